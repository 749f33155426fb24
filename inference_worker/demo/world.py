"""The demo model's small world: the facts behind every synthetic task.

Plain data, no logic. Every name is one word so that the word-level tokenizer gives each entity
exactly one token (" Dallas", " Austin", " Texas"), which keeps attribution graphs legible.
"""

from __future__ import annotations

# state -> (capital, cities). Texas comes first and Dallas first among its cities: the corpus
# generator relies on that order to hold out the demo prompt's (city, phrasing) combination.
STATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Texas": ("Austin", ("Dallas", "Houston", "Lubbock", "Waco", "Amarillo")),
    "California": ("Sacramento", ("Fresno", "Oakland", "Pasadena", "Anaheim", "Bakersfield")),
    "Florida": ("Tallahassee", ("Miami", "Orlando", "Tampa", "Jacksonville", "Pensacola")),
    "Ohio": ("Columbus", ("Cleveland", "Cincinnati", "Toledo", "Akron", "Dayton")),
    "Georgia": ("Atlanta", ("Savannah", "Augusta", "Macon", "Athens", "Valdosta")),
    "Illinois": ("Springfield", ("Chicago", "Peoria", "Rockford", "Joliet", "Naperville")),
    "Washington": ("Olympia", ("Seattle", "Spokane", "Tacoma", "Yakima", "Bellingham")),
    "Oregon": ("Salem", ("Portland", "Eugene", "Medford", "Bend", "Corvallis")),
    "Arizona": ("Phoenix", ("Tucson", "Mesa", "Flagstaff", "Yuma", "Tempe")),
    "Colorado": ("Denver", ("Boulder", "Pueblo", "Aurora", "Greeley", "Durango")),
    "Michigan": ("Lansing", ("Detroit", "Flint", "Kalamazoo", "Saginaw", "Dearborn")),
    "Tennessee": ("Nashville", ("Memphis", "Knoxville", "Chattanooga", "Clarksville", "Franklin")),
    "Pennsylvania": ("Harrisburg", ("Philadelphia", "Pittsburgh", "Allentown", "Erie", "Scranton")),
    "Virginia": ("Richmond", ("Norfolk", "Roanoke", "Alexandria", "Arlington", "Lynchburg")),
    "Alabama": ("Montgomery", ("Birmingham", "Mobile", "Huntsville", "Tuscaloosa", "Dothan")),
    "Wisconsin": ("Madison", ("Milwaukee", "Kenosha", "Racine", "Oshkosh", "Appleton")),
}

# Acronym names are <first> <second> <third>; every combination is a plausible institution.
ACRONYM_FIRST = (
    "National",
    "Federal",
    "Global",
    "Royal",
    "Central",
    "American",
    "International",
    "United",
    "Modern",
    "Public",
    "Open",
    "Applied",
    "Advanced",
    "General",
    "Western",
)
ACRONYM_SECOND = (
    "Digital",
    "Science",
    "Research",
    "Energy",
    "Health",
    "Data",
    "Space",
    "Ocean",
    "Computing",
    "Transport",
    "Water",
    "Trade",
    "Music",
    "Security",
    "Kids",
)
ACRONYM_THIRD = (
    "Library",
    "Agency",
    "Institute",
    "Council",
    "Society",
    "Foundation",
    "Office",
    "Center",
    "Museum",
    "Service",
    "Bureau",
    "Association",
    "Board",
    "Laboratory",
    "Network",
    "Program",
)

# Antonym pairs; each direction is a fact ("small" -> "big" and "big" -> "small").
OPPOSITE_PAIRS = (
    ("small", "big"),
    ("hot", "cold"),
    ("fast", "slow"),
    ("up", "down"),
    ("good", "bad"),
    ("happy", "sad"),
    ("light", "dark"),
    ("early", "late"),
    ("hard", "soft"),
    ("old", "new"),
    ("rich", "poor"),
    ("open", "closed"),
    ("wet", "dry"),
    ("high", "low"),
    ("long", "short"),
    ("strong", "weak"),
    ("full", "empty"),
    ("loud", "quiet"),
    ("clean", "dirty"),
    ("thick", "thin"),
    ("rough", "smooth"),
    ("near", "far"),
    ("left", "right"),
    ("true", "false"),
    ("inside", "outside"),
    ("first", "last"),
    ("easy", "difficult"),
    ("safe", "dangerous"),
    ("sweet", "sour"),
    ("wide", "narrow"),
    ("deep", "shallow"),
    ("cheap", "expensive"),
    ("young", "ancient"),
    ("brave", "afraid"),
    ("warm", "cool"),
)
