"""Microsoft Teams channel (Bot Framework protocol, Microsoft 365 Agents SDK).

Modules: ``activity`` (sans-I/O reading of activities -> :class:`core.messages.Inbound`),
``cards`` (replies -> Adaptive Cards 1.5 and text), ``auth`` (Bot Framework JWT validation,
the bot's own tokens), ``endpoint`` (``POST /api/messages`` on aiohttp + the SDK),
``proactive`` (conversation references, rate-limited sending), ``references`` (references in
the database), ``connector`` (pooled connector sessions), ``flight`` (once-only handling),
``package`` (the Teams app package), ``standin`` (a loopback Bot Connector for tests and
benchmarks). Importing this package does not import the SDK.
"""
