"""The only code of ``geodata`` that imports Streamlit: what the pages share.

``appstate`` holds the caches shared by sessions, sign-in, the sidebar and the page frame that
turns errors into catalogue messages; ``forms`` the camera form and the import dialog;
``pagestyle`` the style sheet every page carries; ``flashes`` how long a success message stays.
May import: every other part of ``geodata`` but ``commands`` (the command line).
"""
