"""The client's address: X-Forwarded-For is believed only from the proxies DMP_TRUSTED_PROXIES names,
and read from the right, so that a client cannot choose the address its traces and limits carry."""

import pytest
from django.urls import reverse

from accounts.client_address import client_address
from audit.models import Action, Trace

PROXY = "10.0.0.5"


def _address(rf, peer: str, forwarded: str | None = None) -> str | None:
    headers = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(rf.get("/", **headers))


@pytest.fixture
def behind_proxies(settings):
    settings.DMP_TRUSTED_PROXIES = [PROXY, "192.168.0.0/16", "::1"]


def test_without_trusted_proxies_the_header_is_ignored(rf, settings):
    settings.DMP_TRUSTED_PROXIES = []

    assert _address(rf, "127.0.0.1", "203.0.113.7") == "127.0.0.1"


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored(rf, behind_proxies):
    assert _address(rf, "198.51.100.9", "10.0.0.5, 203.0.113.7") == "198.51.100.9"


def test_behind_a_trusted_proxy_the_client_is_the_forwarded_address(rf, behind_proxies):
    assert _address(rf, PROXY, "203.0.113.7") == "203.0.113.7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(rf, behind_proxies):
    assert _address(rf, PROXY, "203.0.113.7, 192.168.4.2, 10.0.0.5") == "203.0.113.7"


def test_what_the_client_wrote_left_of_its_own_address_is_ignored(rf, behind_proxies):
    # The client sent "X-Forwarded-For: 1.2.3.4"; our proxy appended the address it really saw.
    assert _address(rf, PROXY, "1.2.3.4, 203.0.113.7") == "203.0.113.7"


def test_a_client_cannot_pass_for_a_trusted_proxy_to_go_further_left(rf, behind_proxies):
    # Only our proxies' own entries are skipped: the client's address is the first untrusted one.
    assert _address(rf, PROXY, "1.2.3.4, 203.0.113.7, 192.168.4.2") == "203.0.113.7"


def test_several_headers_are_read_as_one_list(rf, behind_proxies):
    assert _address(rf, PROXY, "1.2.3.4,203.0.113.7") == "203.0.113.7"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("not-an-ip, 203.0.113.7", "203.0.113.7"),
        ("203.0.113.7, 203.0.113.8:443", PROXY),
        ("203.0.113.7, , 192.168.4.2", "192.168.4.2"),
        ("<script>", PROXY),
    ],
)
def test_a_malformed_entry_ends_the_walk_at_the_last_address_we_can_vouch_for(
    rf, behind_proxies, forwarded, expected
):
    assert _address(rf, PROXY, forwarded) == expected


def test_a_request_from_the_proxy_itself_is_the_proxy(rf, behind_proxies):
    assert _address(rf, PROXY) == PROXY
    assert _address(rf, PROXY, "192.168.4.2") == "192.168.4.2"


def test_addresses_come_out_in_canonical_form(rf, behind_proxies):
    assert _address(rf, "::1", "2001:0DB8:0000::1") == "2001:db8::1"
    assert _address(rf, "::ffff:10.0.0.5", "203.0.113.7") == "203.0.113.7"
    assert _address(rf, "fe80::1%eth0") == "fe80::1"


def test_an_unusable_peer_address_gives_no_address(rf, behind_proxies):
    assert _address(rf, "", "203.0.113.7") is None
    assert client_address(None) is None


@pytest.mark.django_db
def test_the_login_trace_carries_the_forwarded_client_address(client, alice, alice_card, behind_proxies):
    client.post(
        reverse("accounts:login_cps"),
        {"number": alice_card.number, "pin": "4321"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7",
    )

    trace = Trace.objects.get(action=Action.LOGIN)
    assert trace.client_address == "203.0.113.7"
