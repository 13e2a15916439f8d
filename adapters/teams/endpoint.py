"""The ``POST /api/messages`` endpoint: HTTP checks, authentication, then the Agents SDK.

Order of work for one request (each step answers with a proper status, never 5xx):

1. body over 1 MiB -> 413; not JSON or not a well-formed activity -> 400;
2. Bot Framework JWT (see :mod:`.auth`) and the configured tenant -> else 401;
3. :func:`.activity.classify`: ignored activities get 200 at once, without the SDK;
4. duplicates of an activity id wait for the first delivery and reuse its result;
5. the SDK's ``CloudAdapter.process_activity`` runs the turn; our routes (a few lines each)
   call the channel-neutral :class:`~core.messages.Handler` and send the rendered replies
   through the SDK's connector client, replying in the user's thread.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import re
import secrets
import time
from urllib.parse import urlsplit
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from typing import Any

import aiohttp
from aiohttp import web
from microsoft_agents.activity import Activity, ActivityTypes, AdaptiveCardInvokeResponse, InvokeResponse
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentApplication,
    ApplicationOptions,
    MemoryStorage,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.core.app._routes import RouteRank
from microsoft_agents.hosting.core.authorization import ClaimsIdentity
from microsoft_agents.hosting.core.connector import ConnectorClientBase
from pydantic import ValidationError

from core.messages import Handler, Inbound, Reply

from . import activity as act
from .auth import (
    AuthError,
    ClientCredentialsTokenProvider,
    KeySet,
    StaticConnections,
    TokenValidator,
)
from .cards import (
    CHOOSE_VERB,
    CardSigner,
    Outgoing,
    build_card,
    file_consent_attachment,
    file_info_attachment,
    invoke_response_body,
    notice_card,
    render,
)
from .connector import PooledClientFactory
from .config import TeamsConfig
from .flight import SingleFlight
from .proactive import (
    ConversationRef,
    MemoryReferenceStore,
    ProactiveSender,
    RateLimiter,
    ReferenceStore,
    SendFailed,
    SendResult,
    parse_retry_after,
    reference_from,
)
from .texts import lang_from_locale, text

log = logging.getLogger(__name__)

ROSTER_TTL = 600.0
FILE_OFFER_TTL = 15 * 60.0
MAX_FILE_OFFERS = 200
ERASED = "erased"
"""``Reply.meta`` flag of the answer to an erasure: the person's data is gone."""
REPLAYED = "replayed"
"""``Reply.meta`` flag the runtime may set on replies it gives again for a known message id."""
_CURRENT: contextvars.ContextVar["_TurnData"] = contextvars.ContextVar("wms_teams_turn")


@dataclass
class _TurnData:
    body: dict[str, Any]
    turn: act.Turn
    result: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Outcome:
    """What a handled activity produced: the HTTP answer to give (for duplicates too)."""

    status: int
    body: Any = None
    erased_user: str | None = None
    """Set when the person erased their data in this turn (their reference is dropped after)."""


class _NoCredentials:
    """Token provider for anonymous local development: outbound calls carry no token."""

    configuration = None

    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
        return ""

    def get_token_credential(self) -> Any:
        raise NotImplementedError


class TeamsEndpoint:
    """The Teams channel: HTTP endpoint, SDK wiring, reply rendering and proactive sends."""

    def __init__(
        self,
        config: TeamsConfig,
        handler: Handler,
        references: ReferenceStore | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.config = config
        self.handler = handler
        self.references = references or MemoryReferenceStore()
        self.signer = CardSigner(config.card_key)
        self.limiter = limiter or RateLimiter()
        self._flight: SingleFlight[_Outcome] = SingleFlight()
        self._rosters: dict[str, tuple[float, tuple[str, ...]]] = {}
        self._files: dict[str, tuple[float, str, Any, str]] = {}
        self._known_refs: dict[str, ConversationRef] = {}
        self._session: aiohttp.ClientSession | None = None
        self.validator = TokenValidator(config.app_id, KeySet(config.openid_url, self._http), config.issuers)
        if config.credentials is not None:
            provider: Any = ClientCredentialsTokenProvider(config.credentials, self._http)
        else:
            provider = _NoCredentials()
        self._clients = PooledClientFactory(StaticConnections(provider))
        self.adapter = CloudAdapter(channel_service_client_factory=self._clients)
        self.adapter.on_turn_error = self._on_turn_error
        self.app: AgentApplication[TurnState] = AgentApplication[TurnState](
            ApplicationOptions(storage=MemoryStorage(), start_typing_timer=False, remove_recipient_mention=False),
            connection_manager=StaticConnections(provider),  # type: ignore[arg-type]
        )
        self._register_routes()

    # --- lifecycle ---------------------------------------------------------------------

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        await self._clients.close()
        if self._session is not None:
            await self._session.close()

    def add_routes(self, app: web.Application, path: str = "/api/messages") -> None:
        app.router.add_post(path, self.handle_http)

    # --- HTTP ----------------------------------------------------------------------------

    async def handle_http(self, request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        response = await self._handle(request)
        log.debug("teams request answered %s in %.1f ms", response.status, (time.perf_counter() - started) * 1000)
        return response

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.content_length is not None and request.content_length > act.MAX_BODY_BYTES:
            return _error(413, "request body too large")
        try:
            raw = await request.read()  # bounded by the app's client_max_size (just above 1 MiB)
        except web.HTTPRequestEntityTooLarge:
            return _error(413, "request body too large")
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            return _error(400, "could not read the request body")
        if len(raw) > act.MAX_BODY_BYTES:
            return _error(413, "request body too large")
        try:
            body = json.loads(raw)
        except (UnicodeDecodeError, ValueError, RecursionError):
            return _error(400, "malformed JSON")
        problem = act.check_shape(body)
        if problem is not None:
            return _error(400, problem.reason)

        claims: dict[str, Any] = {}
        if not self.config.anonymous:
            try:
                claims = await self.validator.validate(request.headers.get("Authorization"), body)
            except AuthError as exc:
                log.warning("teams request refused: %s", exc.reason)
                return _error(401, "unauthorized")
            tenant = act.tenant_of(body)
            if self.config.tenant_id and (tenant or "").lower() != self.config.tenant_id.lower():
                log.warning("teams request refused: tenant not allowed")
                return _error(401, "unauthorized")

        turn = act.classify(body, allow_channel_id=self.config.anonymous)
        if turn.kind == "ignore":
            return web.Response(status=200)
        # A new or changed conversation reference is stored while the turn runs (its write
        # overlaps the turn's work) and before the answer is given.
        remembering = self._remember(body, turn.inbound) if turn.inbound is not None else None

        key = turn.inbound.message_id if turn.inbound is not None and turn.inbound.message_id else None
        try:
            if key is None:
                outcome = await self._process(body, turn, claims)
            else:
                outcome, duplicate = await self._flight.run(key, lambda: self._process(body, turn, claims))
                if duplicate:
                    log.info("teams activity re-delivered; answered from the first delivery")
        except Exception as exc:  # never a 5xx or a trace to the caller
            log.error("teams activity failed: %s", type(exc).__name__)
            outcome = self._failure_outcome(turn)
        finally:
            if remembering is not None:
                await asyncio.shield(remembering)
        if outcome.erased_user:
            await self._forget(outcome.erased_user)
        if outcome.body is None:
            return web.Response(status=outcome.status)
        return web.json_response(outcome.body, status=outcome.status)

    async def _process(self, body: dict[str, Any], turn: act.Turn, claims: dict[str, Any]) -> _Outcome:
        try:
            activity = Activity.model_validate(body)
        except ValidationError:
            return _Outcome(400, {"error": "activity does not match the Bot Framework schema"})
        identity = ClaimsIdentity(claims, authentication_type="Bearer") if claims else ClaimsIdentity()
        data = _TurnData(body, turn)
        token = _CURRENT.set(data)
        try:
            invoke = await self.adapter.process_activity(identity, activity, self.app.on_turn)
        finally:
            _CURRENT.reset(token)
        erased = data.result.get(ERASED)
        if turn.kind in ("card_action", "file_consent", "invoke_other"):
            if invoke is None or int(invoke.status or 200) >= 500:
                outcome = self._failure_outcome(turn) if invoke is not None else _Outcome(200, {"statusCode": 200})
            else:
                outcome = _Outcome(int(invoke.status or 200), invoke.body)
            return replace(outcome, erased_user=erased) if erased else outcome
        return _Outcome(200, erased_user=erased)

    def _failure_outcome(self, turn: act.Turn) -> _Outcome:
        if turn.kind == "card_action" and turn.inbound is not None:
            lang = lang_from_locale(turn.inbound.locale)
            return _Outcome(200, invoke_response_body(notice_card(text(lang, "card_failed"), lang)))
        return _Outcome(200)

    def _remember(self, body: dict[str, Any], inbound: Inbound) -> "asyncio.Future[None] | None":
        """Store the conversation reference when it is new or changed, in a worker thread (a
        database write must never hold up the event loop, e.g. while SQLite is busy); None
        when it is known already (the usual case: a dictionary lookup)."""
        try:
            ref = reference_from(body, inbound.user_key, act.tenant_of(body) or "")
        except Exception as exc:
            log.error("could not store the conversation reference: %s", type(exc).__name__)
            return None
        if self._known_refs.get(ref.conversation_id) == ref:
            return None
        return asyncio.ensure_future(self._store_reference(ref))

    async def _forget(self, user_key: str) -> None:
        """The person erased their data: drop their conversation reference too (no more
        proactive messages to them; nothing channel-side keeps their user key)."""
        try:
            await asyncio.to_thread(self.references.forget_user, user_key)
            self._known_refs = {k: v for k, v in self._known_refs.items() if v.user_key != user_key}
        except Exception as exc:
            log.error("could not forget a conversation reference: %s", type(exc).__name__)

    async def _store_reference(self, ref: ConversationRef) -> None:
        try:
            await asyncio.to_thread(self.references.save, ref)
            if len(self._known_refs) > 50_000:
                self._known_refs.clear()
            self._known_refs[ref.conversation_id] = ref
        except Exception as exc:  # a failing store must not break answering
            log.error("could not store the conversation reference: %s", type(exc).__name__)

    # --- SDK routes (thin: the logic is in the methods below) ----------------------------

    def _register_routes(self) -> None:
        app = self.app

        @app.activity(ActivityTypes.message)
        async def on_message(context: TurnContext, _state: TurnState) -> None:
            data = _CURRENT.get()
            if data.turn.inbound is not None:
                inbound = await self._with_roster(context, data.turn.inbound)
                replies = await self._ask_safely(inbound)
                if replies and all(r.meta.get(REPLAYED) for r in replies):
                    # Another instance (or this one before a restart) answered this very
                    # activity already; Teams re-sent it. Booked once, answered once.
                    log.info("teams activity was answered before; not answering twice")
                    return
                await self._answer(context, replies)

        @app.conversation_update("membersAdded")
        async def on_members_added(context: TurnContext, _state: TurnState) -> None:
            data = _CURRENT.get()
            if data.turn.kind == "welcome" and data.turn.inbound is not None:
                try:
                    replies = await self.handler.welcome(data.turn.inbound)
                except Exception as exc:  # no welcome is better than a failed turn
                    log.error("welcome failed: %s", type(exc).__name__)
                    return
                await self._answer(context, replies)

        @app.adaptive_card.action_execute(CHOOSE_VERB)
        async def on_card_action(_context: TurnContext, _state: TurnState, _data: Any) -> Any:
            body = await self._card_action(_CURRENT.get())
            return AdaptiveCardInvokeResponse(status_code=200, type=body["type"], value=body["value"])

        @app.invoke("fileConsent/invoke")
        async def on_file_consent(context: TurnContext, _state: TurnState) -> None:
            await self._file_consent(context, _CURRENT.get())
            await _invoke_reply(context, {})

        @app.invoke(re.compile(".*"), rank=RouteRank.LAST)  # tampered cards and other invokes
        async def on_other_invoke(context: TurnContext, _state: TurnState) -> None:
            await _invoke_reply(context, await self._card_action(_CURRENT.get()))

        @app.activity(re.compile(".*"), rank=RouteRank.LAST)  # nothing else gets an answer
        async def on_anything_else(_context: TurnContext, _state: TurnState) -> None:
            return None

    async def _with_roster(self, context: TurnContext, inbound: Inbound) -> Inbound:
        """Group chats and channels: the members' stable ids in ``room_members`` (for team
        features), from the connector's member list, cached per conversation for 10 minutes."""
        if not inbound.is_group:
            return inbound
        conversation = _base_conversation(inbound.conversation_id)
        cached = self._rosters.get(conversation)
        now = time.monotonic()
        if cached is None or now - cached[0] > ROSTER_TTL:
            members: tuple[str, ...] = ()
            try:
                client = context.services.get(ConnectorClientBase)
                tenant = inbound.sender.user_id.split(":", 1)[0]
                accounts = await asyncio.wait_for(client.conversations.get_conversation_members(conversation), 5)
                members = tuple(sorted({f"{tenant}:{a.aad_object_id.lower()}" for a in accounts if a.aad_object_id}))
            except Exception as exc:  # the roster is a nicety: answer without it
                log.warning("teams roster not available: %s", type(exc).__name__)
            if len(self._rosters) > 5000:
                self._rosters.clear()
            cached = self._rosters[conversation] = (now, members)
        return _with_text(inbound, inbound.text, room_members=cached[1])

    async def _ask(self, inbound: Inbound) -> list[Reply]:
        replies = await self.handler.handle(inbound)
        if any(r.meta.get(ERASED) for r in replies):
            data = _CURRENT.get(None)
            if data is not None:
                data.result[ERASED] = inbound.user_key
        return replies

    async def _ask_safely(self, inbound: Inbound) -> list[Reply]:
        try:
            return await self._ask(inbound)
        except Exception as exc:  # the dialog must not fail, but if it does, say so briefly
            log.error("dialog failed for a teams message: %s", type(exc).__name__)
            lang = lang_from_locale(inbound.locale)
            return [Reply(text=text(lang, "card_failed"), lang=lang)]

    async def _answer(self, context: TurnContext, replies: list[Reply]) -> None:
        conversation = _base_conversation(context.activity.conversation.id)
        personal = (context.activity.conversation.conversation_type or "personal") == "personal"
        outgoing = [o for reply in replies for o in render(reply, conversation, self.signer, personal=personal)]
        user = (_CURRENT.get().turn.inbound.sender.user_id if _CURRENT.get().turn.inbound else "")
        activities = [self._file_offer(o, user) if o.file is not None else o.to_activity_dict() for o in outgoing]
        sender = ProactiveSender(lambda _ref, activity: self._reply(context, activity), self.limiter, max_attempts=3, max_retry_after=10.0)
        ref = ConversationRef(conversation, context.activity.service_url or "", "", "")
        result = await sender.send(ref, activities)
        if not result.ok:
            log.error("teams reply not delivered (%s of %s), last HTTP %s", result.failed, len(outgoing), result.last_status)

    async def _reply(self, context: TurnContext, activity: dict[str, Any]) -> None:
        try:
            await _send(context, Activity.model_validate(activity))
        except aiohttp.ClientResponseError as exc:
            raise SendFailed(exc.status, parse_retry_after((exc.headers or {}).get("Retry-After"))) from None
        except (aiohttp.ClientError, asyncio.TimeoutError):
            raise SendFailed(0) from None

    async def _card_action(self, data: _TurnData) -> dict[str, Any]:
        """The invoke response body: the updated card, or a notice card for bad data."""
        inbound = data.turn.inbound
        if data.turn.kind != "card_action" or inbound is None:
            return {"statusCode": 200}
        lang = lang_from_locale(inbound.locale)
        utterance = self.signer.verify(_base_conversation(inbound.conversation_id), data.turn.action_data)
        if utterance is None:
            log.info("teams card action refused: data not signed by us")
            card = notice_card(text(lang, "card_invalid"), lang)
        else:
            replies = await self._ask(_with_text(inbound, utterance))
            card = build_card(replies, _base_conversation(inbound.conversation_id), self.signer) if replies else notice_card("✓", lang)
        return invoke_response_body(card)

    def _file_offer(self, outgoing: Outgoing, user_id: str) -> dict[str, Any]:
        """Keep the file in memory (never on disk) and ask the user to accept it."""
        now = time.monotonic()
        for token in [t for t, f in self._files.items() if now - f[0] > FILE_OFFER_TTL]:
            del self._files[token]
        while len(self._files) >= MAX_FILE_OFFERS:
            self._files.pop(next(iter(self._files)))
        token = secrets.token_urlsafe(18)
        self._files[token] = (now, user_id, outgoing.file, outgoing.lang)
        attachment = file_consent_attachment(outgoing.file.filename, len(outgoing.file.data), token, outgoing.lang)
        return {"type": "message", "attachments": [attachment]}

    async def _file_consent(self, context: TurnContext, data: _TurnData) -> None:
        """``fileConsent/invoke``: upload the offered file on accept, forget it either way."""
        inbound = data.turn.inbound
        value = data.turn.action_data if isinstance(data.turn.action_data, dict) else {}
        context_data = value.get("context") if isinstance(value.get("context"), dict) else {}
        token = context_data.get("t") if isinstance(context_data.get("t"), str) else ""
        offer = self._files.get(token)
        lang = lang_from_locale(inbound.locale if inbound else None)
        if offer is None or inbound is None or offer[1] != inbound.sender.user_id:
            await self._answer_text(context, text(lang, "file_expired"))
            return
        del self._files[token]  # accepted or declined: the bot keeps nothing
        _, _, attachment, lang = offer
        if value.get("action") != "accept":
            await self._answer_text(context, text(lang, "file_declined"))
            return
        info = value.get("uploadInfo") if isinstance(value.get("uploadInfo"), dict) else {}
        url = info.get("uploadUrl")
        if not isinstance(url, str) or not _upload_url_allowed(url):
            await self._answer_text(context, text(lang, "file_failed"))
            return
        size = len(attachment.data)
        headers = {"Content-Length": str(size), "Content-Range": f"bytes 0-{size - 1}/{size}"}
        try:
            async with self._http().put(url, data=attachment.data, headers=headers, timeout=aiohttp.ClientTimeout(total=60)) as resp:
                ok = resp.status in (200, 201)
        except (aiohttp.ClientError, asyncio.TimeoutError):
            ok = False
        if not ok:
            log.error("teams file upload failed")
            await self._answer_text(context, text(lang, "file_failed"))
            return
        await self._reply(context, {"type": "message", "attachments": [file_info_attachment(info)]})

    async def _answer_text(self, context: TurnContext, message: str) -> None:
        try:
            await self._reply(context, {"type": "message", "text": message, "textFormat": "plain"})
        except SendFailed as exc:
            log.error("teams reply not delivered, HTTP %s", exc.status)

    async def _on_turn_error(self, context: TurnContext, error: Exception) -> None:
        # The SDK's default prints the trace and sends the exception text to the user.
        log.error("teams turn failed: %s", type(error).__name__)
        raise error

    # --- proactive -----------------------------------------------------------------------

    async def send_proactive(self, replies: list[Reply], *, user_key: str | None = None, conversation_id: str | None = None) -> SendResult:
        """Write ``replies`` into a person's personal chat (``user_key``) or a stored
        conversation (``conversation_id``). Unknown targets give ``SendResult(0, n, 404)``."""
        ref = await asyncio.to_thread(self.references.for_user, user_key) if user_key else None
        if ref is None and conversation_id:
            ref = await asyncio.to_thread(self.references.for_conversation, conversation_id)
        if ref is None:
            return SendResult(0, len(replies), 404)
        outgoing = [o.to_activity_dict() for r in replies for o in render(r, ref.conversation_id, self.signer)]
        return await ProactiveSender(self._proactive_transport, self.limiter).send(ref, outgoing)

    async def _proactive_transport(self, ref: ConversationRef, activity: dict[str, Any]) -> None:
        continuation = Activity(
            type=ActivityTypes.event,
            name="ContinueConversation",
            channel_id=ref.channel_id,
            service_url=ref.service_url,
            conversation={"id": ref.conversation_id, "tenantId": ref.tenant_id, "isGroup": ref.is_group},
            recipient={"id": ref.bot_id},
            from_property={"id": ref.bot_id},
        )
        failure: list[SendFailed] = []

        async def callback(context: TurnContext) -> None:
            try:
                await self._reply(context, activity)
            except SendFailed as exc:
                failure.append(exc)

        identity = ClaimsIdentity() if self.config.anonymous else self.adapter.create_claims_identity(self.config.app_id)
        await self.adapter.process_proactive(identity, continuation, identity.get_token_audience(), callback)
        if failure:
            raise failure[0]


async def _send(context: TurnContext, activity: Activity) -> None:
    """``context.send_activity`` without its deep copy of the activity (a fresh object here;
    with an Adaptive Card the copy cost more CPU than the rest of the send): addressed from
    the turn's conversation reference and handed to the adapter, as the SDK does. Turns with
    send handlers registered (none in wms-bot) take the SDK's own path."""
    if getattr(context, "_on_send_activities", None) or not hasattr(context, "adapter"):
        await context.send_activity(activity)
        return
    activity.apply_conversation_reference(context.activity.get_conversation_reference())
    if not activity.type:
        activity.type = ActivityTypes.message
    if not activity.input_hint:
        activity.input_hint = "acceptingInput"
    await context.adapter.send_activities(context, [activity])
    if activity.type != ActivityTypes.trace:
        context.responded = True


async def _invoke_reply(context: TurnContext, body: dict[str, Any]) -> None:
    await context.send_activity(
        Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=int(HTTPStatus.OK), body=body))
    )


def _with_text(inbound: Inbound, utterance: str, room_members: tuple[str, ...] | None = None) -> Inbound:
    return Inbound(
        channel=inbound.channel,
        conversation_id=inbound.conversation_id,
        message_id=inbound.message_id,
        sender=inbound.sender,
        text=utterance,
        locale=inbound.locale,
        is_group=inbound.is_group,
        room_members=inbound.room_members if room_members is None else room_members,
    )


def _upload_url_allowed(url: str) -> bool:
    """OneDrive upload URLs are https; plain http only to loopback (local stand-ins)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")


def _base_conversation(conversation_id: str) -> str:
    return conversation_id.split(";messageid=", 1)[0]


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


__all__ = ["TeamsConfig", "TeamsEndpoint"]
