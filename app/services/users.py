"""Users, roles and API tokens; signing in, and ending a user's sessions.

A user's sessions (the signed session cookie and the "keep me signed in" cookie) carry
the user's `session_version` (User.get_id); moving it on ends every one of them, on
every device. Signing out, a password reset and deactivation all move it on.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from werkzeug.security import check_password_hash

from app.extensions import db
from app.models import ApiToken, Role, User, utcnow
from app.models.user import dummy_password_hash
from app.services.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    StaleVersion,
    ValidationError,
)
from app.services.policy import Action, lock_for_change, require
from app.services.uow import transaction

TOKEN_PREFIX = "cc_"
# Writing last_used_at on every request would turn reads into writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MIN_PASSWORD_LENGTH = 10


def _require_admin(actor: User | None) -> None:
    # None: the command line (`flask users ...`), where whoever runs it is the admin
    if actor is not None:
        require(actor, Action.MANAGE_ACCOUNTS)


def normalise_email(email: str) -> str:
    """The address as stored (trimmed, lower case); ValidationError if it is none."""
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254:
        raise ValidationError("Not an email address.", {"email": ["not an email address"]})
    return email


def find_user(email: str) -> User | None:
    """The user with this address, if any."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str,
    name: str,
    role: Role | str = Role.READER,
    password: str | None = None,
    *,
    actor: User | None = None,
) -> User:
    """Create a user (a password of 10+ characters lets them sign in to the pages).
    Admins (or the command line, `actor` None); ValidationError for a bad address, role
    or password; Conflict when the address is taken. Commits."""
    _require_admin(actor)
    email = normalise_email(email)
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError(
            f"Unknown role {role!r}.", {"role": [f"one of {', '.join(Role)}"]}
        ) from None
    if find_user(email) is not None:
        raise Conflict(f"A user with email {email} exists.", {"email": ["already exists"]})
    user = User(email=email, name=name.strip() or email, role=role)
    if password is not None:
        _check_new_password(password)
        user.set_password(password)
    with transaction(actor=actor, reason="user created"):
        db.session.add(user)
    return user


def _check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.",
            {"password": ["too short"]},
        )


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None.

    Every call checks exactly one password hash — the account's, or a dummy made the
    same way for an unknown or malformed address, an account without a password or
    an inactive one — so the time a refusal takes does not tell which addresses have
    accounts. Writes nothing.
    """
    try:
        user = find_user(email)
    except ValidationError:
        user = None
    stored = user.password_hash if user is not None else None
    matches = check_password_hash(stored or dummy_password_hash(), password)
    if user is None or not stored or not user.active or not matches:
        return None
    return user


def end_sessions(user: User, *, actor: User | None, reason: str = "signed out") -> User:
    """End every session of `user`, on every device (moves the session version on).

    Used when a user signs out. Commits, writing a revision with `reason`. Another
    change to the user committed meanwhile is no error: the version is moved on
    from the stored one (up to three tries, then StaleVersion).
    """
    tries = 3
    while True:
        try:
            with transaction(actor=actor, reason=reason):
                lock_for_change(user)
                user.session_version += 1
            return user
        except StaleVersion:
            tries -= 1
            if not tries:
                raise
            db.session.refresh(user)


def reset_password(
    user: User, password: str, *, actor: User | None, reason: str = "password reset"
) -> User:
    """Give `user` a new password (10+ characters, else ValidationError) and end all
    their sessions. Commits, writing a revision with `reason` (the hash is never
    copied into revisions)."""
    _require_admin(actor)
    _check_new_password(password)
    with transaction(actor=actor, reason=reason):
        lock_for_change(user)
        user.set_password(password)
        user.session_version += 1
    return user


def deactivate(user: User, *, actor: User | None, reason: str = "deactivated") -> User:
    """Stop `user` signing in or using the API: ends all their sessions and revokes
    all their API tokens. InvalidTransition when already inactive. Commits, writing
    revisions (the user's and each token's) with `reason`."""
    _require_admin(actor)
    now = utcnow()
    with transaction(actor=actor, reason=reason):
        lock_for_change(user)
        if not user.active:
            raise InvalidTransition(f"{user.email} is already inactive.")
        user.active = False
        user.session_version += 1
        for token in user.tokens:
            if not token.is_revoked:
                token.revoked_at = now
    return user


def activate(user: User, *, actor: User | None, reason: str = "activated") -> User:
    """Let a deactivated user sign in again. Their old sessions stay ended and their
    API tokens stay revoked (issue new ones). InvalidTransition when already active.
    Commits, writing a revision with `reason`."""
    _require_admin(actor)
    with transaction(actor=actor, reason=reason):
        lock_for_change(user)
        if user.active:
            raise InvalidTransition(f"{user.email} is already active.")
        user.active = True
    return user


def set_role(user: User, role: Role | str, *, actor: User | None = None) -> User:
    """Change a user's role. Admins (or the command line); ValidationError for an
    unknown role. Commits."""
    _require_admin(actor)
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError(
            f"Unknown role {role!r}.", {"role": [f"one of {', '.join(Role)}"]}
        ) from None
    with transaction(actor=actor, reason=f"role set to {role.value}"):
        lock_for_change(user)
        user.role = role
    return user


def issue_token(user: User, name: str, *, actor: User | None = None) -> tuple[ApiToken, str]:
    """Issue a bearer token for `user`: the plaintext is returned once and never stored
    (only its SHA-256). Admins (or the command line). Commits."""
    _require_admin(actor)
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip() or "token",
        token_hash=ApiToken.hash(plaintext),
        prefix=plaintext[:10],
        created_at=utcnow(),
    )
    with transaction(actor=actor, reason="token issued"):
        db.session.add(token)
    return token, plaintext


def revoke_token(token_id: int, *, actor: User | None = None) -> ApiToken:
    """Revoke a token: from the commit on it opens nothing. Admins (or the command
    line); NotFound; InvalidTransition when it is already revoked. Commits."""
    _require_admin(actor)
    with transaction(actor=actor, reason="token revoked"):
        token = db.session.get(ApiToken, token_id)
        if token is None:
            raise NotFound(f"Token {token_id} does not exist.")
        lock_for_change(token)
        if token.is_revoked:
            raise InvalidTransition(f"Token {token_id} is already revoked.")
        token.revoked_at = utcnow()
    return token


def user_for_token(plaintext: str) -> User | None:
    """The active user a bearer token belongs to, or None if unknown or revoked. Notes
    when it was last used (at most once a minute: reads would otherwise all write),
    committing that."""
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 200:
        return None
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(plaintext))
    )
    if token is None or token.is_revoked or not token.user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        with transaction(actor=token.user, reason="token used"):
            token.last_used_at = now
    return token.user
