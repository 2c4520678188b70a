"""The clinic's pages: the patient check-in and the staff pages.

Views read patients only through ``alliance.web.scope`` and write only through
``alliance.web.actions``; anything outside a user's scope answers 404.
"""
