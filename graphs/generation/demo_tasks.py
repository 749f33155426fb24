"""The four demo tasks that get a featured example graph on the demo model.

Prompts are the demo's featured prompts (inference_worker/demo/examples.py, which its tests check
the model answers); the slug identifies the graph of the demo user, so `load_demo_graphs` is
idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass

from inference_worker.demo.examples import FEATURED_PROMPTS

DEMO_MODEL = "demo"  # engine model ref and registry/model id (metadata.scan of stored graphs)
DEMO_TRANSCODERS = "demo"  # engine transcoder ref and public feature set id
DEMO_USERNAME = "circuitscope-demo"


@dataclass(frozen=True)
class DemoTask:
    slug: str
    title: str
    prompt: str
    description: str


DEMO_TASKS: tuple[DemoTask, ...] = (
    DemoTask(
        slug="demo-two-hop-capital",
        title="Two-hop recall: the capital of the state containing Dallas",
        prompt=FEATURED_PROMPTS["two_hop"][0],
        description="Dallas -> Texas -> Austin: does the model go through a Texas feature?",
    ),
    DemoTask(
        slug="demo-acronym",
        title="Acronym: The National Digital Library (ND → L",
        prompt=FEATURED_PROMPTS["acronym"][0],
        description="The third letter of the acronym comes from the third word, Library.",
    ),
    DemoTask(
        slug="demo-opposite",
        title="Opposite: the opposite of small",
        prompt=FEATURED_PROMPTS["opposite"][0],
        description="small -> big.",
    ),
    DemoTask(
        slug="demo-addition",
        title="Addition: 23+14=",
        prompt=FEATURED_PROMPTS["addition"][0],
        description="Two-digit addition, 23 + 14 = 37: the first digit, 3.",
    ),
)

# Engine settings of the example graphs: circuit-tracer's defaults, capped for a CPU.
DEMO_TRACE_SETTINGS: dict[str, float | int] = {
    "max_n_logits": 10,
    "desired_logit_prob": 0.95,
    "max_feature_nodes": 500,
    "node_threshold": 0.8,
    "edge_threshold": 0.98,
}
