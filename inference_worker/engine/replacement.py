"""The local replacement model: a HookedTransformer plus a transcoder set, frozen for attribution.

`ReplacementModel.forward_state(tokens)` linearises the model once: attention patterns and every
norm scale are detached, and each MLP output becomes a constant plus `skip(x) - skip(x).detach()`
(zero in value), so the only gradient path across an MLP is the transcoder's linear skip. The
model is then linear in the residual stream, and a direct effect is a vector-Jacobian product of
this one frozen pass, taken w.r.t. the token embeddings and the MLP outputs (the sources) at each
layer's transcoder input and the unembed input (the targets).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from . import blockwise_attention
from .blockwise_attention import blockwise_forward, supports_blockwise
from .errors import EngineError
from .frozen_mix import frozen_z_scores
from .transcoders.base import TranscoderBase
from .transcoders.loading import check_against_model


@dataclass
class ForwardState:
    tokens: torch.Tensor  # [n_pos]
    logits: torch.Tensor  # [d_vocab], soft-capped, at the last position
    embed: torch.Tensor  # [1, n_pos, d_model]: token embeddings (values)
    inputs: list[torch.Tensor]  # per layer [1, n_pos, d_model]: the transcoder input
    outputs: list[torch.Tensor]  # per layer [1, n_pos, d_model]: the MLP output
    final: torch.Tensor  # [1, n_pos, d_model]: the unembedding's input
    # vjp((input cotangents per layer, final cotangent)) -> (embed grad, output grads per layer)
    vjp: Callable


class ReplacementModel:
    # Attention in query blocks where TransformerLens's configuration allows it
    # (blockwise_attention.py); False keeps TransformerLens's whole-pattern attention.
    blockwise_attention = True

    def __init__(self, model, transcoders: TranscoderBase) -> None:
        check_against_model(transcoders, model, transcoders.info.source or "transcoders")
        self.model = model
        self.transcoders = transcoders
        self.cfg = model.cfg
        for param in model.parameters():
            param.requires_grad_(False)

    @property
    def tokenizer(self):
        return self.model.tokenizer

    def tokenize(self, prompt: str) -> torch.Tensor:
        """Token ids of `prompt` with circuit-tracer's BOS rule: if the first token is not a
        special token, prepend the first truthy id of (bos, pad, eos, *all special ids)."""
        tok = self.tokenizer
        if tok is None:
            raise EngineError("the model has no tokenizer; pass token ids instead of a prompt")
        ids = tok(prompt, add_special_tokens=False)["input_ids"]
        if not ids:
            raise EngineError("the prompt is empty")
        if ids[0] not in tok.all_special_ids:
            candidates = [
                tok.bos_token_id,
                tok.pad_token_id,
                tok.eos_token_id,
                *tok.all_special_ids,
            ]
            bos = next(filter(None, candidates), None)
            if bos is not None:
                ids = [bos, *ids]
        return torch.tensor(ids, dtype=torch.long)

    def check_tokens(self, tokens: torch.Tensor) -> torch.Tensor:
        tokens = torch.as_tensor(tokens, dtype=torch.long).reshape(-1)
        if tokens.numel() == 0:
            raise EngineError("the prompt is empty")
        if tokens.numel() > self.cfg.n_ctx:
            raise EngineError(
                f"the prompt has {tokens.numel()} tokens, more than the model's context of {self.cfg.n_ctx}"
            )
        if int(tokens.min()) < 0 or int(tokens.max()) >= self.cfg.d_vocab:
            raise EngineError(f"token ids must lie in [0, {self.cfg.d_vocab})")
        return tokens

    def _hooks(self, store: dict, embed=None, outputs=None) -> list[tuple[str, Callable]]:
        """Hooks for the clean run (record) or the frozen run (embed, outputs given)."""
        tc, frozen = self.transcoders, embed is not None

        def detach(acts, hook):
            return acts.detach()

        def at_embed(acts, hook):
            store["embed"] = acts
            return embed if frozen else acts

        def at_input(acts, hook, layer):
            store["inputs"][layer] = acts
            return acts

        def at_output(acts, hook, layer):
            if not frozen:
                store["outputs"][layer] = acts
                return acts
            if tc.has_skip:  # value = the MLP output; gradient only through the skip
                skip = tc.skip(layer, store["inputs"][layer])
                return outputs[layer] + (skip - skip.detach())
            return outputs[layer]

        hooks: list[tuple[str, Callable]] = [("hook_embed", at_embed)]
        if frozen:
            hooks += [
                (n, detach)
                for n in self.model.hook_dict
                if n.endswith(("hook_scale", "attn.hook_pattern"))
            ]
        for layer in range(self.cfg.n_layers):
            hooks.append(
                (
                    f"blocks.{layer}.{tc.feature_input_hook}",
                    lambda a, hook, layer=layer: at_input(a, hook, layer),
                )
            )
            hooks.append(
                (
                    f"blocks.{layer}.{tc.feature_output_hook}",
                    lambda a, hook, layer=layer: at_output(a, hook, layer),
                )
            )
        return hooks

    def _run(self, tokens: torch.Tensor, hooks, store: dict, frozen: bool = False) -> None:
        """Run the blocks and the final norm, and keep the unembedding's input in
        store["final"]. The unembedding itself is left out: TransformerLens multiplies by a
        contiguous copy of W_U.T (1.2 GB on Gemma-2), which the frozen pass's autograd would
        keep alive for every row, and only the last position's logits are ever needed."""
        model = self.model
        attns = [block.attn for block in model.blocks]
        blockwise = self.blockwise_attention and all(supports_blockwise(a) for a in attns)
        budget = [blockwise_attention.PATTERN_BUDGET] if frozen else None
        for attn in attns:
            if blockwise:
                attn.forward = blockwise_forward(attn, budget)
            elif frozen:
                attn.calculate_z_scores = frozen_z_scores(attn)
        try:
            with model.hooks(fwd_hooks=hooks):
                residual = model(
                    tokens.to(self.cfg.device).unsqueeze(0), stop_at_layer=self.cfg.n_layers
                )
                store["final"] = (
                    residual if self.cfg.normalization_type is None else model.ln_final(residual)
                )
        finally:
            for attn in attns:
                attn.__dict__.pop("forward", None)
                attn.__dict__.pop("calculate_z_scores", None)

    def _last_logits(self, final: torch.Tensor) -> torch.Tensor:
        """The last position's logits [d_vocab], soft-capped as TransformerLens does."""
        logits = self.model.unembed(final[:, -1:])[0, -1]
        cap = self.cfg.output_logits_soft_cap
        if cap is not None and cap > 0:
            logits = cap * torch.tanh(logits / cap)
        return logits

    def forward_state(self, tokens: torch.Tensor) -> ForwardState:
        """A clean forward pass, then the frozen one under `torch.func.vjp`, whose pull-back
        gives batched attribution rows (see rows.py) from this single linearisation."""
        n_layers = self.cfg.n_layers
        clean: dict = {"inputs": [None] * n_layers, "outputs": [None] * n_layers}
        with torch.no_grad():
            self._run(tokens, self._hooks(clean), clean)
            logits = self._last_logits(clean["final"])

        def frozen(embed: torch.Tensor, outputs: tuple[torch.Tensor, ...]):
            store: dict = {"inputs": [None] * n_layers}
            self._run(tokens, self._hooks(store, embed, outputs), store, frozen=True)
            return tuple(store["inputs"]), store["final"]

        with torch.enable_grad():
            _, vjp = torch.func.vjp(
                frozen, clean["embed"].detach(), tuple(o.detach() for o in clean["outputs"])
            )
        return ForwardState(
            tokens=tokens,
            logits=logits,
            embed=clean["embed"].detach(),
            inputs=[x.detach() for x in clean["inputs"]],
            outputs=[o.detach() for o in clean["outputs"]],
            final=clean["final"].detach(),
            vjp=vjp,
        )
