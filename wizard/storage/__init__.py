"""The only layer that touches files and the keyring.

`paths` says where things live and writes files atomically, `settings` holds the non-secret
settings file, `credentials` the secrets in the OS keyring, `progress` what each step created.
"""
