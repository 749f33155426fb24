"""The corpus generator: deterministic, with held-out splits that really are held out."""

from __future__ import annotations

from inference_worker.demo import world
from inference_worker.demo.corpus import TWO_HOP_PHRASINGS, build_corpus
from inference_worker.demo.tokenizer import train_tokenizer

DALLAS_PROMPT = "The capital of the state containing Dallas is"


def test_it_is_deterministic_per_seed():
    a, b, c = build_corpus(0), build_corpus(0), build_corpus(1)
    assert a.eval == b.eval and a.train == b.train
    assert a.sample_texts(7, 32) == b.sample_texts(7, 32)
    assert a.eval["acronym"] != c.eval["acronym"]


def test_held_out_prompts_never_appear_in_training(corpus):
    train_prompts = {e.prompt for examples in corpus.train.values() for e in examples}
    for task, examples in corpus.eval.items():
        assert examples, task
        assert not {e.prompt for e in examples} & train_prompts, task


def test_two_hop_held_out_combos_have_their_one_hop_facts_and_other_phrasings_seen(corpus):
    one_hop = " ".join(e.text for e in corpus.train["one_hop"])
    assert ".." not in one_hop
    two_hop_train = {e.prompt for e in corpus.train["two_hop"]}
    for example in corpus.eval["two_hop"]:
        city = next(c for _, cities in world.STATES.values() for c in cities if c in example.prompt)
        state = next(s for s, (_, cities) in world.STATES.items() if city in cities)
        capital = world.STATES[state][0]
        assert f"{city} is a city in {state}." in one_hop
        assert f"The capital of {state} is {capital}." in one_hop
        seen = [p.format(city=city) in two_hop_train for p in TWO_HOP_PHRASINGS]
        assert sum(seen) == len(TWO_HOP_PHRASINGS) - 1


def test_the_demo_prompt_is_a_held_out_combination(corpus):
    held = {e.prompt: e.answer for e in corpus.eval["two_hop"]}
    assert held[DALLAS_PROMPT] == " Austin"


def test_addition_and_acronym_answers_are_right(corpus):
    for example in corpus.eval["addition"][:50]:
        a, b = example.prompt.rstrip("=").split("+")
        assert int(example.answer) == int(a) + int(b)
    for example in corpus.eval["acronym"][:50]:
        words = example.prompt.removeprefix("The ").removesuffix(" (").split()
        assert example.answer == "".join(w[0] for w in words)


def test_the_tokenizer_gives_entities_and_digits_one_token_each(corpus):
    tokenizer = train_tokenizer(corpus.all_texts())
    assert tokenizer.encode(DALLAS_PROMPT + " Austin").tokens[-3:] == [" Dallas", " is", " Austin"]
    assert tokenizer.encode("23+14=37").tokens == ["<bos>", "2", "3", "+", "1", "4", "=", "3", "7"]
    assert tokenizer.encode("The National Digital Library (NDL").tokens[-4:] == [
        " (",
        "N",
        "D",
        "L",
    ]
    assert "<unk>" not in {t for text in corpus.all_texts() for t in tokenizer.encode(text).tokens}
