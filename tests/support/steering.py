"""The demo model's two-hop circuit, as the steering tests (API, worker queue, browser) use it:
the Dallas prompt, an intervention on its "Texas" feature, and the features that carry the state
(see tests/steer/test_demo_steering.py)."""

from __future__ import annotations

from tests.services import redis_url

DALLAS = "The capital of the state containing Dallas is"
FRESNO = "The capital of the state containing Fresno is"
TEXAS = {"layer": 1, "position": 8, "feature": 439, "mode": "ablate"}  # see test_demo_steering
REDIS_URL = redis_url(10)  # the steering tests' Redis db


def state_features(rm, prompt, city, capital, state):
    """The features on the `city` -> `capital` paths of `prompt`'s graph whose decoder promotes
    `state` (top-5 logits), and the prompt's tokens."""
    from inference_worker.demo.circuit_checks import path_features, top_logit_tokens
    from inference_worker.engine import attribute, prune_graph

    tok = rm.tokenizer
    result = attribute(rm, prompt)
    tokens = [tok.decode([t]) for t in result.input_tokens.tolist()]
    features = path_features(result, prune_graph(result), tokens.index(city), capital)
    return [
        f for f in features if state in top_logit_tokens(rm.model, rm.transcoders, f.layer, f.index)
    ], tokens
