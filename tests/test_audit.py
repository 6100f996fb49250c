"""The audit trail: every change is written once, with who, when, what and from where;
nobody edits or deletes it in the app; auditors search the areas they audit.

Andy (agent of village A) works cases; Audrey audits the city; Oscar is the
agent of village B; the site administrator edits roles in the admin.
"""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from xiangli.audit.models import AppendOnlyError, AuditEntry
from xiangli.audit.services import purge, record
from xiangli.cases import services
from xiangli.cases.models import Channel
from xiangli.people.idnumbers import make_id_number
from xiangli.people.masking import mask_id_number
from xiangli.people.models import Role, RoleAssignment, User
from xiangli.people.services import register_resident, reveal


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("13911112222", "pass-word-123", name="管理员")


def walk_in(world):
    return services.create_case(by=world.andy, resident=world.alice_resident, item=world.pension,
                                channel=Channel.WALK_IN)


def test_a_case_step_writes_an_entry_with_actor_ip_and_the_state_change(client, world):
    case = walk_in(world)
    client.force_login(world.andy)
    client.post(reverse("front:desk_step", args=[case.pk]), {"action": "accept", "note": "材料齐全"},
                HTTP_USER_AGENT="Mozilla/5.0 (counter PC)", REMOTE_ADDR="10.1.2.3")
    entry = AuditEntry.objects.get(action="case.accepted")
    assert entry.actor == world.andy and "Andy" in entry.actor_label
    assert entry.ip == "10.1.2.3" and entry.user_agent == "Mozilla/5.0 (counter PC)"
    assert entry.changes["state"] == ["submitted", "accepted"]
    assert entry.changes["agent"] == [None, world.andy.pk]
    assert entry.changes["note"] == "材料齐全"
    assert (entry.object_type, entry.object_id) == ("cases.case", str(case.pk))
    assert entry.area_path == case.area_path


def test_opening_a_case_and_an_escalation_are_written_too_the_escalation_by_the_system(world):
    case = walk_in(world)
    created = AuditEntry.objects.get(action="case.created")
    assert created.actor == world.andy and created.changes["channel"] == [None, "walk_in"]
    assert created.ip is None  # no request: a service called from a task or a test
    services.accept_case(case, by=world.andy)
    services.escalate_overdue(today=case.due_on + dt.timedelta(days=30))
    escalated = AuditEntry.objects.filter(action__startswith="case.escalated").order_by("pk")
    assert [e.changes["escalation_level"] for e in escalated] == [[0, 1], [1, 2]]
    assert all(e.actor is None and e.actor_label == "" for e in escalated)


def test_a_reveal_writes_one_with_the_masked_value_only(world):
    alice = world.alice_resident
    assert reveal(alice, field="id_number", by=world.andy, reason="填写养老保险申请表") == alice.id_number
    entry = AuditEntry.objects.get(action="personal_data.revealed")
    assert entry.actor == world.andy and entry.changes["reason"] == "填写养老保险申请表"
    assert entry.changes["id_number"] == alice.masked_id_number
    stored = str(entry.changes) + entry.object_repr + entry.actor_label
    assert alice.id_number not in stored and "13800000001" not in stored


def test_registering_a_resident_keeps_only_masked_id_number_and_phone(world):
    id_number = make_id_number("410329", dt.date(1950, 3, 4), 61, "F")
    resident = register_resident(by=world.andy, name="赵六", id_number=id_number,
                                 phone="13812345678", village=world.village_a)
    entry = AuditEntry.objects.get(action="resident.registered")
    assert entry.changes["id_number"] == [None, mask_id_number(id_number)]
    assert id_number not in str(entry.changes)
    assert entry.changes["phone"] == [None, "138****5678"]
    assert entry.area_path == resident.area_path


def test_full_numbers_typed_into_a_note_are_masked_in_the_trail(world):
    case = services.accept_case(walk_in(world), by=world.andy)
    id_number = make_id_number("410329", dt.date(1950, 3, 4), 61, "F")
    services.request_materials(case, by=world.andy, note=f"请回电 13812345678，身份证 {id_number}")
    note = AuditEntry.objects.get(action="case.materials_requested").changes["note"]
    assert "13812345678" not in note and id_number not in note
    assert "138****5678" in note and mask_id_number(id_number) in note


def test_admin_change_of_a_role_writes_one(client, admin_user, world):
    andy = world.andy
    agent_role = RoleAssignment.objects.get(user=andy)
    client.force_login(admin_user)
    url = reverse("admin:people_user_change", args=[andy.pk])
    response = client.post(url, {
        "name": "Andy", "resident": "", "is_active": "on",
        "roles-TOTAL_FORMS": "2", "roles-INITIAL_FORMS": "1", "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
        "roles-0-id": agent_role.pk, "roles-0-user": andy.pk, "roles-0-role": Role.AGENT,
        "roles-0-area": world.village_a.pk,
        "roles-1-id": "", "roles-1-user": andy.pk, "roles-1-role": Role.GRID_WORKER,
        "roles-1-area": world.grid_a1.pk,
    }, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="role.added")
    assert entry.actor == admin_user and entry.ip == "10.9.9.9"
    assert entry.changes["role"] == [None, Role.GRID_WORKER]
    assert entry.changes["area"] == [None, world.grid_a1.pk]
    assert entry.area_path == world.grid_a1.path
    assert not AuditEntry.objects.filter(action="account.changed").exists()  # nothing else changed


def test_admin_deleting_a_calendar_day_keeps_what_it_was(client, admin_user, world):
    from xiangli.workdays.models import CalendarDay

    day = CalendarDay.objects.create(day=dt.date(2027, 2, 8), is_workday=False, name="春节")
    client.force_login(admin_user)
    client.post(reverse("admin:workdays_calendarday_delete", args=[day.pk]), {"post": "yes"})
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    entry = AuditEntry.objects.get(action="calendar_day.deleted")
    assert entry.changes["day"] == ["2027-02-08", None] and entry.changes["name"] == ["春节", None]
    assert entry.area_path == ""  # a setting of the whole deployment


def test_an_auditor_of_the_city_finds_entries_by_action_and_date(client, world):
    case = walk_in(world)
    services.accept_case(case, by=world.andy)
    AuditEntry.objects.create(at=timezone.now() - dt.timedelta(days=40), action="case.accepted",
                              area_path=case.area_path, object_type="cases.case", object_id="1")
    client.force_login(world.audrey)
    today = timezone.localdate().isoformat()
    page = client.get(reverse("audit:log"), {"action": "case.accepted", "date_from": today, "date_to": today})
    assert page.status_code == 200
    assert [(e.action, e.object_id) for e in page.context["entries"]] == [("case.accepted", str(case.pk))]
    assert "Andy" in page.content.decode()
    every_step = client.get(reverse("audit:log"), {"action": "case."}).context["entries"]
    assert [e.action for e in every_step] == ["case.accepted", "case.created", "case.accepted"]
    by_phone = client.get(reverse("audit:log"), {"actor": "139 0000 0001"}).context["entries"]
    assert len(by_phone) == 2 and all(e.actor_id == world.andy.pk for e in by_phone)
    in_village_b = client.get(reverse("audit:log"), {"area": world.village_b.code}).context["entries"]
    assert list(in_village_b) == []


def test_an_auditor_of_a_township_sees_nothing_of_another_township(client, world):
    RoleAssignment.objects.create(user=world.dora, role=Role.AUDITOR, area=world.township2)
    walk_in(world)  # village A, township T
    client.force_login(world.dora)
    entries = client.get(reverse("audit:log")).context["entries"]
    assert [e.action for e in entries] == ["login.succeeded"]  # her own, in her township; no case of A


def test_the_audit_page_costs_the_same_few_queries_however_many_entries(client, world, django_assert_num_queries):
    case = walk_in(world)
    for _ in range(80):
        record("case.visit", obj=case, actor=world.andy, changes={"visits": [0, 1]})
    client.force_login(world.audrey)
    # session, user, roles, entries
    with django_assert_num_queries(4):
        page = client.get(reverse("audit:log"))
    assert len(page.context["entries"]) == 50 and page.context["next"] == 50


@pytest.mark.parametrize("who", ["andy", "cheng", "alice"])
def test_anyone_but_an_auditor_gets_404_on_the_audit_page(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("audit:log")).status_code == 404


def test_update_and_delete_of_an_entry_raise_in_the_app(world):
    entry = record("case.accepted", actor=world.andy, changes={"state": ["submitted", "accepted"]})
    entry.action = "case.declined"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="nothing")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "case.accepted"


def test_the_admin_shows_the_trail_but_offers_no_add_change_or_delete(client, admin_user, world):
    entry = record("case.accepted", actor=world.andy)
    client.force_login(admin_user)
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"action": "x"})
    assert AuditEntry.objects.get(pk=entry.pk).action == "case.accepted"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_on_postgresql_a_raw_sql_update_or_delete_raises(world):
    entry = record("case.accepted", actor=world.andy)
    for sql in ("UPDATE audit_auditentry SET action = 'x' WHERE id = %s", "DELETE FROM audit_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "case.accepted"


def test_purge_refuses_to_go_under_183_days_and_deletes_only_older_entries(world):
    now = timezone.now()
    old = AuditEntry.objects.create(at=now - dt.timedelta(days=500), action="case.accepted")
    kept = AuditEntry.objects.create(at=now - dt.timedelta(days=300), action="case.accepted")
    with pytest.raises(ValueError):
        purge(older_than_days=182)
    with pytest.raises(CommandError):
        call_command("purge_audit", "--days", "100")
    assert AuditEntry.objects.count() == 2
    call_command("purge_audit", "--days", "400")
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()


def test_logins_failed_logins_and_logouts_are_written(client, world):
    client.post(reverse("front:login"), {"kind": "code", "phone": "13900000001", "code": "000000"},
                REMOTE_ADDR="10.0.0.7")
    failed = AuditEntry.objects.get(action="login.failed")
    assert failed.actor is None and failed.object_id == str(world.andy.pk) and failed.ip == "10.0.0.7"
    assert failed.changes["phone"] == "139****0001"
    client.post(reverse("front:login"), {"kind": "password", "phone": "13900000001", "password": "pass-word-123"})
    assert AuditEntry.objects.get(action="login.succeeded").actor == world.andy
    client.post(reverse("front:logout"))
    assert AuditEntry.objects.get(action="logout").actor == world.andy


def test_api_tokens_issued_and_revoked_are_written(client, world):
    response = client.post("/api/v1/tokens", {"phone": "13900000001", "password": "pass-word-123", "name": "手机"},
                           content_type="application/json")
    token = response.json()["token"]
    assert AuditEntry.objects.get(action="token.issued").changes == {"device": "手机"}
    client.delete("/api/v1/tokens/current", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert AuditEntry.objects.get(action="token.revoked").actor == world.andy


def test_behind_nginx_the_clients_own_address_is_recorded(client, world, settings):
    from xiangli.audit.models import AuditEntry

    settings.BEHIND_PROXY = True
    client.post(reverse("front:login"), {"kind": "password", "phone": "13900000001", "password": "pass-word-123"},
                REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="36.112.5.9")
    assert AuditEntry.objects.filter(ip="36.112.5.9").exists()


def test_without_a_proxy_a_forged_address_header_is_ignored(client, world, settings):
    from xiangli.audit.models import AuditEntry

    settings.BEHIND_PROXY = False
    client.post(reverse("front:login"), {"kind": "password", "phone": "13900000001", "password": "pass-word-123"},
                REMOTE_ADDR="10.1.1.1", HTTP_X_REAL_IP="36.112.5.9")
    assert not AuditEntry.objects.filter(ip="36.112.5.9").exists()


def test_anonymising_and_changing_a_password_are_on_the_trail(client, world):
    from xiangli.audit.models import AuditEntry
    from xiangli.people.models import User
    from xiangli.people.rights import anonymise

    admin = User.objects.create_superuser("13911112222", "pass-word-123")
    anonymise(world.carl_resident, by=admin)
    assert AuditEntry.objects.filter(action="resident.anonymised", actor=admin).exists()
    client.force_login(world.andy)
    client.post(reverse("front:account"), {"old_password": "pass-word-123", "new_password1": "Huai-Shu-2026!",
                                           "new_password2": "Huai-Shu-2026!"})
    assert AuditEntry.objects.filter(action="account.password_changed", actor=world.andy).exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite trigger")
def test_on_sqlite_the_trigger_refuses_raw_updates_and_recent_deletes_but_lets_the_purge_through(world):
    # Installed here, inside the test's transaction (SQLite's DDL is transactional),
    # with the very statements the migration runs.
    migration = importlib.import_module("xiangli.audit.migrations.0002_sqlite_append_only")
    with connection.cursor() as cursor:
        for sql in migration.APPEND_ONLY:
            cursor.execute(sql)
    recent = record("case.accepted", actor=world.andy)
    old = AuditEntry.objects.create(at=timezone.now() - dt.timedelta(days=500), action="case.accepted")
    for sql in ("UPDATE audit_auditentry SET action = 'x' WHERE id = %s", "DELETE FROM audit_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [recent.pk])
    assert purge(older_than_days=400) == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [recent.pk]
    assert AuditEntry.objects.get(pk=recent.pk).action == "case.accepted" and not AuditEntry.objects.filter(pk=old.pk)


def test_deleting_a_device_token_or_a_text_in_the_admin_is_written(client, admin_user, world):
    from xiangli.api.models import ApiToken
    from xiangli.api.tokens import issue_token
    from xiangli.notifications.models import SmsMessage

    issue_token(user=world.andy, name="旧手机")
    token = ApiToken.objects.get(user=world.andy)
    client.force_login(admin_user)
    client.post(reverse("admin:api_apitoken_delete", args=[token.pk]), {"post": "yes"})
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    entry = AuditEntry.objects.get(action="token.deleted")
    assert entry.actor == admin_user and entry.changes["name"] == ["旧手机", None]
    assert entry.changes["key_digest"] == ["***", None]  # never the secret itself

    sms = SmsMessage.objects.create(phone="+8613900000001", body="您的办件已受理")
    client.post(reverse("admin:notifications_smsmessage_delete", args=[sms.pk]), {"post": "yes"})
    gone = AuditEntry.objects.get(action="sms.deleted")
    assert gone.actor == admin_user and "13900000001" not in str(gone.changes)


def test_cases_cannot_be_deleted_in_the_admin(client, admin_user, world):
    case = walk_in(world)
    client.force_login(admin_user)
    assert client.get(reverse("admin:cases_case_delete", args=[case.pk])).status_code == 403
    client.post(reverse("admin:cases_case_changelist"), {"action": "delete_selected", "_selected_action": [case.pk],
                                                          "post": "yes"})
    assert type(case).objects.filter(pk=case.pk).exists()
