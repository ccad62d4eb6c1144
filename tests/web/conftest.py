"""Fixtures shared by the web tests of one area (each module may still define its own)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models.quiz import QuestionBank
from app.services.quiz import bank_authoring


@pytest.fixture
def trainer(client, auth, demo):
    """The client, signed in as the demo trainer."""
    auth.as_role("trainer")
    return client


@pytest.fixture
def bank(app) -> QuestionBank:
    """An empty question bank called 术后护理."""
    bank = bank_authoring.create_bank("术后护理")
    db.session.commit()
    return bank
