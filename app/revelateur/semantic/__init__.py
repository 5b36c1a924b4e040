"""The révélateur's semantic stage: an embedding score of a request against its frame (refusals against offer,
priorities and everyday work), off the request path. ``backends``: the models; ``frame_vectors``: a published
version embedded; ``stage``: the worker that scores requests after they were decided."""
