"""The authoring guide served by the app, with its example bank and the bank format's schema."""
