"""Calendar invitations for the shifts: plan, history, files and mail.

``plan`` decides which events each volunteer gets and how they compare
with the history; ``state`` keeps that history; ``files`` writes the
``.ics`` files; ``messages`` mails what changed. Nothing here imports the
``icalendar`` library at module level: the iCalendar adapter does, inside
its functions.
"""
