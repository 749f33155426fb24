"""Comparing two attribution graphs of one model and transcoder set: which features only one of
them uses, which both do (with their influence and activation in each), and which edges changed
most. Pure matching lives in `matching`, reading stored bodies in `reading`, the rules of who may
compare what in `service`."""
