"""Websocket close codes our consumers send, so browsers and scripts can tell the cases apart.

4401 and 4403 follow the 4000-4999 application range convention of mirroring the HTTP status;
1013 is the standard "try again later".
"""

from __future__ import annotations

TOKEN_REVOKED = 4401  # the API token that opened the socket was revoked
REFUSED = 4403  # the handshake was refused, or access went away while the socket was open
TRY_AGAIN_LATER = 1013  # a backing service (the channel layer) is down; reconnect later
