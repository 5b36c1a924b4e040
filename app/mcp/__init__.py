"""The frame for assistants that cannot be proxied: a Model Context Protocol server (the official ``mcp`` SDK).

``server.build`` makes the server (the frame as a prompt and a resource, the ``check_request`` and ``frame_voice``
tools), answering for the caller's client key; ``http.McpEndpoint`` serves it at ``/mcp`` inside ``cadre serve``;
``stdio.run`` is ``cadre mcp``. Every call is a decision of the key in the decision log."""
