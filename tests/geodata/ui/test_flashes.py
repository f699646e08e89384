"""A success message stays on its page through the reruns Streamlit makes by itself."""

from geodata.i18n import Message
from geodata.ui.flashes import FLASH_KEPT_S, flash_to_show, keep_flash

DONE = Message("import.done", accepted=1, rejected=2)


def test_the_message_stays_through_reruns_until_its_time_is_over():
    state = {}
    keep_flash(state, DONE)
    assert flash_to_show(state, "register.title", 100.0) is DONE
    # The map drawn anew reports its view and the page runs again a second later.
    assert flash_to_show(state, "register.title", 101.0) is DONE
    assert flash_to_show(state, "register.title", 100.0 + FLASH_KEPT_S) is DONE
    assert flash_to_show(state, "register.title", 100.5 + FLASH_KEPT_S) is None
    assert state == {}, "a message whose time is over is dropped"
    assert flash_to_show(state, "register.title", 200.0) is None


def test_the_message_leaves_when_the_user_opens_another_page():
    state = {}
    keep_flash(state, DONE)
    assert flash_to_show(state, "register.title", 0.0) is DONE
    assert flash_to_show(state, "map.page_title", 1.0) is None
    assert flash_to_show(state, "register.title", 2.0) is None


def test_a_new_message_replaces_the_one_shown_and_gets_its_own_time():
    state = {}
    keep_flash(state, DONE)
    assert flash_to_show(state, "register.title", 0.0) is DONE
    registered = Message("register.done", id=7, ward="An Phú")
    keep_flash(state, registered)
    assert flash_to_show(state, "register.title", FLASH_KEPT_S) is registered
    assert flash_to_show(state, "register.title", 2 * FLASH_KEPT_S) is registered
