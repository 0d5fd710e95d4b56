import logging

import pytest

from config.middleware import ProxyCountCheckMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def not_yet_warned(monkeypatch):
    monkeypatch.setattr(ProxyCountCheckMiddleware, "warned", False)


def warnings_of(caplog):
    return [record for record in caplog.records if record.name == "config.deploy"]


def test_requests_through_an_uncounted_proxy_are_warned_about_once(client, settings, caplog):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0

    with caplog.at_level(logging.WARNING, logger="config.deploy"):
        client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.7")
        client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.8")

    [warning] = warnings_of(caplog)
    assert "TRUSTED_PROXY_COUNT" in warning.getMessage()


def test_no_warning_when_the_proxies_are_counted_or_there_is_none(client, settings, caplog):
    with caplog.at_level(logging.WARNING, logger="config.deploy"):
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
        client.get("/healthz")
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
        client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert warnings_of(caplog) == []
