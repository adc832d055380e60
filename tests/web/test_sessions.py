"""Sessions end when they should, everywhere: a copy of a session cookie or of the
"keep me signed in" cookie, saved before signing out, a password reset or a
deactivation, opens no staff page afterwards. Cookies are replayed the way an
attacker would: copied into a browser that never signed in."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import User
from tests.web.conftest import PASSWORD, RequestPerContextClient, csrf_token, submit

SESSION = "session"
REMEMBER = "remember_token"  # Flask-Login's "keep me signed in" cookie


@pytest.fixture
def device(app):
    """Makes another browser: a client with no cookies of its own."""
    return lambda: RequestPerContextClient(app, app.response_class, use_cookies=True)


def signed_in(device, account, *, remember: bool = False) -> RequestPerContextClient:
    client = device()
    data = {"email": account.user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = submit(client, "/sign-in", data)
    assert response.status_code == 302, response.status_code
    return client


def saved(client, name: str) -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None and cookie.value, f"no {name} cookie"
    return cookie.value


def replay(device, **cookies: str) -> RequestPerContextClient:
    """A browser that never signed in, holding copies of someone's cookies."""
    client = device()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def opens_staff_pages(client) -> bool:
    statuses = {client.get(url).status_code for url in ("/deleted", "/events/new")}
    assert statuses in ({200}, {302}), statuses  # both open, or both send to sign-in
    return statuses == {200}


def sign_out(client, form_page: str = "/") -> None:
    token = csrf_token(client, form_page)
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 302


def test_a_session_cookie_saved_before_signing_out_opens_nothing_afterwards(device, editor):
    # Given an editor's session cookie, copied while they were signed in
    victim = signed_in(device, editor)
    stolen = saved(victim, SESSION)
    assert opens_staff_pages(replay(device, session=stolen))  # the copy works, for now

    # When the editor signs out
    sign_out(victim)

    # Then the copy opens no staff page, and the sign-in page asks for a password
    thief = replay(device, session=stolen)
    assert not opens_staff_pages(thief)
    assert thief.get("/deleted").headers["Location"] == "/sign-in?next=/deleted"
    assert not opens_staff_pages(victim)


def test_a_remember_me_cookie_saved_before_signing_out_opens_nothing_afterwards(
        device, editor):
    victim = signed_in(device, editor, remember=True)
    stolen = saved(victim, REMEMBER)
    assert opens_staff_pages(replay(device, remember_token=stolen))

    sign_out(victim)

    assert not opens_staff_pages(replay(device, remember_token=stolen))
    both = replay(device, session=saved(victim, SESSION), remember_token=stolen)
    assert not opens_staff_pages(both)


def test_signing_out_on_one_device_ends_the_sessions_on_the_others(device, journalist):
    laptop = signed_in(device, journalist)
    phone = signed_in(device, journalist, remember=True)
    assert laptop.get("/events/new").status_code == 200
    assert phone.get("/events/new").status_code == 200

    sign_out(laptop)

    assert phone.get("/events/new").status_code == 302
    # signing in again works, and a sign-out without a session changes nothing
    again = signed_in(device, journalist)
    assert again.get("/events/new").status_code == 200
    sign_out(device(), form_page="/sign-in")  # a visitor who is not signed in
    assert again.get("/events/new").status_code == 200


def test_a_password_reset_ends_every_session(device, cli, editor):
    victim = signed_in(device, editor, remember=True)
    cookies = {"session": saved(victim, SESSION), "remember_token": saved(victim, REMEMBER)}

    result = cli.invoke(args=["users", "reset-password", editor.user.email,
                              "--password", "a brand new passphrase"])
    assert result.exit_code == 0, result.output

    assert not opens_staff_pages(victim)
    assert not opens_staff_pages(replay(device, remember_token=cookies["remember_token"]))
    assert not opens_staff_pages(replay(device, **cookies))
    refused = submit(device(), "/sign-in", {"email": editor.user.email, "password": PASSWORD})
    assert refused.status_code == 401
    fresh = device()
    response = submit(fresh, "/sign-in", {"email": editor.user.email,
                                          "password": "a brand new passphrase"})
    assert response.status_code == 302 and opens_staff_pages(fresh)


def test_deactivation_ends_every_session_and_activation_does_not_revive_them(
        device, cli, client, editor):
    victim = signed_in(device, editor, remember=True)
    cookies = {"session": saved(victim, SESSION), "remember_token": saved(victim, REMEMBER)}
    assert client.get("/api/v1/disputes", headers=editor.headers).status_code == 200

    assert cli.invoke(args=["users", "deactivate", editor.user.email]).exit_code == 0

    assert not opens_staff_pages(replay(device, **cookies))
    assert not opens_staff_pages(replay(device, remember_token=cookies["remember_token"]))
    assert client.get("/api/v1/disputes", headers=editor.headers).status_code == 401
    refused = submit(device(), "/sign-in", {"email": editor.user.email, "password": PASSWORD})
    assert refused.status_code == 401

    # When the account is activated again, the old cookies and token stay dead
    assert cli.invoke(args=["users", "activate", editor.user.email]).exit_code == 0
    assert not opens_staff_pages(replay(device, **cookies))
    assert not opens_staff_pages(replay(device, remember_token=cookies["remember_token"]))
    assert client.get("/api/v1/disputes", headers=editor.headers).status_code == 401
    assert opens_staff_pages(signed_in(device, editor))


def test_cookies_naming_an_old_session_version_or_a_bare_id_are_refused(app, device, editor):
    # Cookies as this app's own key signs them, so only their contents are wrong:
    # a bare user id (sessions made before migration 0004), another session version,
    # garbage.
    serializer = app.session_interface.get_signing_serializer(app)
    user = db.session.get(User, editor.user.id)
    good = f"{user.id}:{user.session_version}"
    assert opens_staff_pages(replay(device, session=serializer.dumps({"_user_id": good})))
    for user_id in (str(user.id), f"{user.id}:{user.session_version + 1}",
                    f"{user.id}:{user.session_version - 1}", f"{user.id}:", ":1",
                    f"{user.id}:1:1", "x:y", "", f"{user.id}:{'9' * 40}"):
        forged = serializer.dumps({"_user_id": user_id})
        assert not opens_staff_pages(replay(device, session=forged)), user_id
