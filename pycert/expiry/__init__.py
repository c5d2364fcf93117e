"""Client-certificate expiry: the pure rules (days left, states, successors, cleanup plan,
reminder milestones and notice tiers), the store scan behind `list`/`detect expiry`, renewal
from a staged PFX, reminders to the person at the terminal (their Japanese texts in
notices.py), and removal of superseded certificates."""
