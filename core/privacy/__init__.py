"""Privacy rules, pure: what anonymisation keeps, the retention table, which nights are due.

No SQL, no clock, no environment: the store adapters (``adapters.store.anonymise``,
``adapters.store.retention``) and the scheduler (``bot.scheduler``) apply these rules.
"""
