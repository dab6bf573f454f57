"""The disposable e-mail domain list (the maintained ``disposable-email-domains`` package)."""
