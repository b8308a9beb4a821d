from dimis.framework.testing import world  # noqa: F401  (the shared sector fixture)
