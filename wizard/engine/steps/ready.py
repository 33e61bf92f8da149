"""Ready to send: make the sending number deliverable before the first real message.

In the US a new local number delivers texts only once it is on a registered 10DLC campaign
(else message-failed 4476, or 5620 at T-Mobile), a toll-free number only once toll-free
verification says VERIFIED (else 4795). Bandwidth answers 202 either way and the failure comes
later, so this step settles it first:

- local: the number already on a campaign (SUCCESS) is recognised and nothing is sent;
  otherwise it is assigned to the chosen REGISTERED campaign with a TN option order, watched
  like a number order, then confirmed SUCCESS on the campaign;
- toll-free: the verification status is read; an unverified number gets the submitted request,
  and its answer (PENDING, VERIFIED or a decline with its reason) is reported;
- short code: provisioned with the carriers through Bandwidth support, which no API shows.

Campaign vetting and toll-free review take days. When the answer is "not yet", the step saves
where it stands and stops with a plain sentence; a later run resumes here and finds the new
state. A 403 on these APIs means the credential lacks the role to check, never "not
registered": the person may go on knowingly (`skip_readiness`), and that choice is recorded.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from wizard.core.errors import Kind, WizardError
from wizard.core.phone import NumberKind, display, e164, number_kind
from wizard.engine.events import OrderPolled, OrderStatusChanged
from wizard.engine.inputs import SetupInputs
from wizard.engine.plan import Plan, PlannedRequest
from wizard.engine.step import Step, StepContext, StepId
from wizard.engine.verification_rules import (
    VerificationInvalid,
    form_problems,
    submission_from_form,
)

if TYPE_CHECKING:
    from wizard.bandwidth.models import TnOptionOrder

READY = frozenset({"SUCCESS", "VERIFIED"})
"""What `status` says when the number can send."""
SKIPPED = "SKIPPED"
"""The person went on without a readiness answer (a role was missing, or a short code)."""

CAMPAIGN_ROLE_HINT = (
    "Ask an administrator of the Bandwidth account to give this API Credential the Campaign "
    "Management role, or check the campaign in the Bandwidth App."
)
TFV_ROLE_HINT = (
    "Ask an administrator of the Bandwidth account to give this API Credential the TFV role, or "
    "check the number's verification in the Bandwidth App."
)
REGISTRATION_TAKES_DAYS = (
    "A local number sends only from a registered 10DLC campaign. Registering takes a brand, "
    "then a campaign, both reviewed by carriers over several business days and billed by "
    "Bandwidth: do it in the Bandwidth App (Registration Center). Your progress is saved: run "
    "the wizard again once the campaign reads REGISTERED, and it continues here."
)
MAX_TFV_NUMBERS = 10
"""Numbers one verification request may name (``phoneNumbers``: 1 to 10)."""
VERIFICATION_TAKES_DAYS = (
    "Toll-free verification is reviewed by people and usually takes a few business days. Your "
    "progress is saved: run the wizard again later and it continues here with the answer."
)


class Ready(Step):
    id = StepId.READY
    title = "Ready to send"
    why = (
        "US carriers deliver texts only from a number on a registered 10DLC campaign, or a "
        "verified toll-free number: this makes the number ready before the first message."
    )
    page = "ready"
    screen = "wizard.tui.screens.ready:ReadyScreen"
    shown_id = ("status", "")

    def ready_to_check(self, recorded: Mapping[str, Any]) -> bool:
        return recorded.get("status") in READY or recorded.get("status") == SKIPPED

    async def check(self, engine: StepContext, recorded: Mapping[str, Any]) -> bool:
        if recorded.get("status") == SKIPPED:
            return True  # a choice the person made; the send step checks again before sending
        number = str(recorded.get("number") or "")
        if recorded.get("kind") == NumberKind.TOLL_FREE:
            assert engine.platform is not None
            status = await engine.platform.get_toll_free_verification(number)
            return status is not None and status.is_verified
        return await _on_campaign(engine, number, str(recorded.get("campaign_id") or "")) == (
            "SUCCESS"
        )

    async def run(
        self, engine: StepContext, inputs: SetupInputs, *, deliberate: bool = False
    ) -> dict[str, Any]:
        number = sending_number(engine, inputs)
        kind = number_kind(number)
        base = {"number": number, "kind": str(kind)}
        if kind is NumberKind.TOLL_FREE:
            return {**base, **await _toll_free(engine, inputs, number)}
        if kind is NumberKind.LOCAL:
            return {**base, **await _local(engine, inputs, number)}
        if inputs.skip_readiness:
            return {**base, "status": SKIPPED, "reason": "not a North American local number"}
        raise WizardError(
            f"{display(number)} is a {kind.value.replace('-', ' ')} number: its readiness is "
            "arranged with the carriers through Bandwidth support and no API shows it.",
            "Go on knowingly if support has provisioned it.",
            kind=Kind.NOT_READY,
        )

    def summary(self, data: Mapping[str, Any]) -> str:
        number = display(str(data.get("number") or "?"))
        status = data.get("status")
        if status == SKIPPED:
            return f"{number}: not checked ({data.get('reason')}), going on knowingly"
        if data.get("kind") == NumberKind.TOLL_FREE:
            return f"{number}: toll-free verification {status}"
        verb = "assigned to" if data.get("assigned") else "already on"
        text = f"{number}: {verb} campaign {data.get('campaign_id')} ({status})"
        others = [n for n in data.get("ready_numbers") or [] if e164(n) != e164(data["number"])]
        if others:
            text += f", with {len(others)} more number" + ("s" if len(others) > 1 else "")
        failed = data.get("not_assigned") or []
        if failed:
            text += f"; {len(failed)} could not be assigned"
        return text

    def planned_requests(self, plan: Plan) -> list[PlannedRequest]:
        numbers = list(plan.recorded(StepId.WAIT_ORDER).get("numbers") or [])
        number = e164(plan.inputs.message_from or (numbers[0] if numbers else "")) or "{number}"
        if number_kind(number) is NumberKind.TOLL_FREE:
            return [
                PlannedRequest(
                    "GET",
                    plan.platform(f"phoneNumbers/{number}/tollFreeVerification"),
                    None,
                    "Reads the number's toll-free verification: VERIFIED can send.",
                ),
                PlannedRequest(
                    "POST",
                    plan.platform("tollFreeVerification"),
                    None,
                    "Only when it is unverified: submits the verification request (202).",
                ),
            ]
        campaign = plan.inputs.campaign_id or "{campaignId}"
        from wizard.bandwidth import xml as bwxml

        return [
            PlannedRequest(
                "GET",
                plan.platform("tendlc/campaigns"),
                None,
                "Lists the account's 10DLC campaigns: only a REGISTERED one can take numbers.",
            ),
            PlannedRequest(
                "POST",
                plan.dashboard("tnoptions"),
                bwxml.tn_option_order_xml([number], campaign, customer_order_id="bw-wizard-…"),
                "Assigns the number to the campaign (a TN option order), watched until final.",
            ),
            PlannedRequest(
                "GET",
                plan.platform(f"tendlc/campaigns/{campaign}/phoneNumbers?phoneNumber={number}"),
                None,
                "Confirms the number reads SUCCESS on the campaign: then it can send.",
            ),
        ]


def sending_number(engine: StepContext, inputs: SetupInputs) -> str:
    """The number messages will come from: the chosen one, else the order's first."""
    numbers = list(engine.data(StepId.WAIT_ORDER).get("numbers") or [])
    number = inputs.message_from or (numbers[0] if numbers else "")
    if not number:
        raise WizardError("There is no number to send from.", "Order numbers first.")
    return e164(number)


def ordered_numbers(engine: StepContext, number: str, kind: NumberKind) -> list[str]:
    """The sending number, then the order's other numbers of the same kind: each one is
    offered as a From on the send page, so each one is made ready with it."""
    ordered = [e164(n) for n in engine.data(StepId.WAIT_ORDER).get("numbers") or []]
    same = [n for n in ordered if n != number and number_kind(n) is kind]
    return [number, *dict.fromkeys(same)]


# -- local numbers: 10DLC ---------------------------------------------------------------------


async def _local(engine: StepContext, inputs: SetupInputs, number: str) -> dict[str, Any]:
    assert engine.platform is not None
    pending = dict(engine.recorded(StepId.READY) or {})
    try:
        current = await engine.platform.get_number_registration(number)
        if current is not None and current.is_ready:
            return {"status": "SUCCESS", "campaign_id": current.campaign_id, "assigned": False}
        campaign_id = inputs.campaign_id or pending.get("campaign_id")
        if not campaign_id:
            campaigns = await engine.platform.list_campaigns()
            registered = [c.campaign_id for c in campaigns if c.is_registered]
            if not registered:
                raise WizardError(
                    "The account has no REGISTERED 10DLC campaign to put the number on.",
                    REGISTRATION_TAKES_DAYS,
                    kind=Kind.NOT_READY,
                )
            raise WizardError(
                "No campaign was chosen for the number.",
                f"Pick one of the REGISTERED campaigns: {', '.join(registered)}.",
                kind=Kind.VALIDATION,
            )
        status = await _on_campaign(engine, number, campaign_id)
        if status == "SUCCESS":
            return {
                "status": "SUCCESS",
                "campaign_id": campaign_id,
                "assigned": False,
                "ready_numbers": [number],
            }
        assignment: dict[str, Any] = {k: pending[k] for k in ASSIGNMENT_KEYS if k in pending}
        if status != "PROCESSING":
            order = await _assign(engine, inputs, number, campaign_id, pending)
            assignment = _assignment(order, number)
        status = await _wait_for_success(engine, inputs, number, campaign_id)
        if status != "SUCCESS":
            where = {"number": number, "campaign_id": campaign_id, "status": status}
            engine.save(StepId.READY, {**pending, **assignment, **where})
            raise WizardError(
                f"{display(number)} is on campaign {campaign_id} but still {status}: the "
                "carriers have not finished provisioning it.",
                "This usually takes minutes, sometimes hours. Run the wizard again later: it "
                "continues here.",
                kind=Kind.NOT_READY,
            )
        ready = [number]
        for other in assignment.get("assigned_numbers") or []:
            if e164(other) != number and await _on_campaign(engine, other, campaign_id) == (
                "SUCCESS"
            ):
                ready.append(e164(other))
    except WizardError as error:
        if error.kind is Kind.FORBIDDEN:
            return _cannot_check(inputs, error, "Campaign Management")
        raise
    return {
        "status": "SUCCESS",
        "campaign_id": campaign_id,
        "assigned": True,
        "ready_numbers": ready,
        **assignment,
    }


ASSIGNMENT_KEYS = ("tn_option_order_id", "tn_option_status", "assigned_numbers", "not_assigned")
"""What `_assignment` records about the TN option order."""


def _assignment(order: TnOptionOrder, number: str) -> dict[str, Any]:
    """What a finished TN option order did, to record: the numbers now on the campaign and
    the ones that failed, each with Bandwidth's reason."""
    failed = []
    for other in order.failed_numbers:
        reasons = "; ".join(
            f"{error.description} (code {error.code})" for error in order.errors_for(other)
        )
        failed.append([e164(other), reasons])
    return {
        "tn_option_order_id": order.id,
        "tn_option_status": order.status,
        "assigned_numbers": [e164(n) for n in order.completed_numbers],
        "not_assigned": failed,
    }


async def _on_campaign(engine: StepContext, number: str, campaign_id: str) -> str | None:
    """The number's status on the campaign (SUCCESS, PROCESSING, FAILURE), None if not on it."""
    assert engine.platform is not None
    if not campaign_id:
        return None
    found = await engine.platform.get_campaign_number(campaign_id, number)
    return found.status.upper() if found is not None else None


async def _assign(
    engine: StepContext,
    inputs: SetupInputs,
    number: str,
    campaign_id: str,
    pending: Mapping[str, Any],
) -> TnOptionOrder:
    """Put the number (and the order's other local numbers) on the campaign with one TN option
    order, found again after a crash by its customer order id instead of sent twice, and
    watched until it is final."""
    reference = pending.get("tn_option_customer_order_id")
    order = None
    if reference:
        found = await engine.dashboard.find_tn_option_orders(customer_order_id=reference)
        order = found[0] if found else None
    if order is None:
        reference = reference or f"bw-wizard-{uuid.uuid4().hex[:16]}"
        engine.save(
            StepId.READY,
            {
                "number": number,
                "campaign_id": campaign_id,
                "tn_option_customer_order_id": reference,
                "status": "ASSIGNING",
            },
        )
        order = await engine.dashboard.create_tn_option_order(
            ordered_numbers(engine, number, NumberKind.LOCAL),
            campaign_id,
            customer_order_id=reference,
        )
    order = await _watch_tn_option_order(engine, order.id, timeout=inputs.order_timeout)
    if e164(number) in {e164(n) for n in order.completed_numbers}:
        return order
    reasons = "; ".join(
        f"{error.description} (code {error.code})" for error in order.errors_for(number)
    ) or "; ".join(f"{error.description} (code {error.code})" for error in order.errors)
    raise WizardError(
        f"Assigning {display(number)} to campaign {campaign_id} ended {order.status}"
        + (f": {reasons}." if reasons else "."),
        "Check that the campaign is REGISTERED and the number is on this account, then try "
        "again (the TN option order changes nothing when it fails).",
        kind=Kind.ORDER_FAILED,
    )


async def _watch_tn_option_order(
    engine: StepContext, order_id: str, *, timeout: float
) -> TnOptionOrder:
    """Poll the TN option order as a number order is polled: each change reported with the
    time it took, fast at first and then backing off."""
    start = engine.clock()
    last: tuple[str, tuple[str, ...]] | None = None
    intervals = engine.poll.intervals()
    while True:
        order = await engine.dashboard.get_tn_option_order(order_id)
        elapsed = engine.clock() - start
        interval = None if order.is_final else next(intervals)
        if interval is not None and elapsed + interval > timeout:
            interval = max(0.0, timeout - elapsed)
        now = (order.status, tuple(order.completed_numbers))
        if now != last:
            engine.emit(
                OrderStatusChanged(
                    StepId.READY,
                    order.id,
                    order.status,
                    elapsed,
                    tuple(order.completed_numbers),
                    tuple(order.failed_numbers),
                    interval,
                )
            )
            last = now
        engine.emit(OrderPolled(StepId.READY, order.id, order.status, elapsed, interval))
        if order.is_final:
            return order
        if elapsed >= timeout:
            raise WizardError(
                f"The TN option order {order_id} was still {order.status} after {timeout:g} s.",
                "It keeps going on Bandwidth's side: run the wizard again later to pick it up.",
                kind=Kind.TIMEOUT,
            )
        await engine.sleep(interval or 0.0)


async def _wait_for_success(
    engine: StepContext, inputs: SetupInputs, number: str, campaign_id: str
) -> str | None:
    """After the assignment, the carriers provision the number: SUCCESS, or how far it got
    when `readiness_wait` runs out."""
    start = engine.clock()
    intervals = engine.poll.intervals()
    while True:
        status = await _on_campaign(engine, number, campaign_id)
        if status in ("SUCCESS", "FAILURE") or engine.clock() - start >= inputs.readiness_wait:
            return status
        await engine.sleep(next(intervals))


# -- toll-free numbers: verification ----------------------------------------------------------


async def _toll_free(engine: StepContext, inputs: SetupInputs, number: str) -> dict[str, Any]:
    assert engine.platform is not None
    try:
        status = await engine.platform.get_toll_free_verification(number)
        if status is not None and status.is_verified:
            return {"status": "VERIFIED", "submitted": False}
        if status is None or not (status.is_pending or status.is_declined):
            request = await _request(engine, inputs, number)
            await engine.platform.submit_toll_free_verification(request)
            _pending(engine, number)
            status = await _verification_after(engine, inputs, number)
        elif status.is_declined and inputs.resubmit_verification:
            if not status.can_resubmit:
                raise declined_error(number, status, final=True)
            request = await _request(engine, inputs, number)
            await engine.platform.resubmit_toll_free_verification(number, request)
            _pending(engine, number)
            status = await _verification_after(engine, inputs, number)
        elif status.is_pending:
            status = await _verification_after(engine, inputs, number)
    except WizardError as error:
        if error.kind is Kind.FORBIDDEN:
            return _cannot_check(inputs, error, "TFV")
        raise
    if status is not None and status.is_verified:
        return {"status": "VERIFIED", "submitted": True}
    if status is not None and status.is_declined:
        raise declined_error(number, status, final=not status.can_resubmit)
    _pending(engine, number)
    raise WizardError(
        f"The toll-free verification of {display(number)} is PENDING.",
        VERIFICATION_TAKES_DAYS,
        kind=Kind.NOT_READY,
    )


def _pending(engine: StepContext, number: str) -> None:
    """Saved as soon as Bandwidth has the request: a later run reads the answer, never
    submits again."""
    engine.save(StepId.READY, {"number": number, "kind": "toll-free", "status": "PENDING"})


async def _request(engine: StepContext, inputs: SetupInputs, number: str) -> Any:
    """The verification request for the number (and the order's other toll-free numbers, up
    to Bandwidth's 10), checked field by field against Bandwidth's limits and its use-case
    list before anything is sent."""
    assert engine.platform is not None
    values = inputs.toll_free_verification
    if not values:
        raise WizardError(
            f"{display(number)} is a toll-free number that is not verified yet.",
            "Fill in the toll-free verification request (business, contact, use case, sample "
            "message, opt-in) and submit it.",
            kind=Kind.VALIDATION,
        )
    use_cases = await engine.platform.list_toll_free_use_cases()
    problems = form_problems(values, use_cases)
    if problems:
        raise VerificationInvalid(problems)
    numbers = ordered_numbers(engine, number, NumberKind.TOLL_FREE)[:MAX_TFV_NUMBERS]
    return submission_from_form(values, tuple(numbers))


async def _verification_after(engine: StepContext, inputs: SetupInputs, number: str) -> Any:
    """The status once it is no longer PENDING, or PENDING when `readiness_wait` runs out."""
    assert engine.platform is not None
    start = engine.clock()
    intervals = engine.poll.intervals()
    while True:
        status = await engine.platform.get_toll_free_verification(number)
        if status is not None and not status.is_pending:
            return status
        if engine.clock() - start >= inputs.readiness_wait:
            return status
        await engine.sleep(next(intervals))


def declined_error(number: str, status: Any, *, final: bool | None = None) -> WizardError:
    """A declined verification as a sentence and what to do next (`final`: no resubmission;
    by default as Bandwidth's ``resubmitAllowed`` says)."""
    from wizard.bandwidth.hints import toll_free_decline_hint

    if final is None:
        final = not status.can_resubmit
    reason = status.decline_reason or "no reason given"
    code = f" (code {status.denial_status_code})" if status.denial_status_code else ""
    hint = toll_free_decline_hint(
        status.denial_status_code, status.decline_reason, resubmit_allowed=not final
    )
    if not final:
        hint += (
            " The form comes back filled in with what was sent: fix it and choose “Resubmit” "
            "(apply: [compliance] resubmit = true)."
        )
    return WizardError(
        f"The toll-free verification of {display(number)} was declined: {reason}{code}.",
        hint,
        kind=Kind.NOT_READY,
    )


def _cannot_check(inputs: SetupInputs, error: WizardError, role: str) -> dict[str, Any]:
    """A 403: the credential cannot look. Never "not registered"; go on only when asked."""
    if inputs.skip_readiness:
        return {"status": SKIPPED, "reason": f"the credential lacks the {role} role"}
    raise cannot_check_error(role) from error


def cannot_check_error(role: str) -> WizardError:
    """What a 403 on the 10DLC or toll-free APIs means: the check could not be made."""
    hint = TFV_ROLE_HINT if role == "TFV" else CAMPAIGN_ROLE_HINT
    return WizardError(
        f"Cannot check whether the number can send: this API Credential lacks the {role} role.",
        hint + " Or go on knowingly: the first message may then fail.",
        kind=Kind.FORBIDDEN,
    )


STEP = Ready()
