"""Client-certificate expiry: the pure rules (days left, states, successors, cleanup plan,
reminder milestones), the store scan behind `list`/`detect expiry`, renewal from a staged
PFX, reminders to the person at the terminal, and removal of superseded certificates."""
