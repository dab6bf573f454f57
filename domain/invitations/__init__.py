"""Invitations to an organization, a team or a project.

An invitation carries an unguessable code that is stored only as a SHA-256 digest, is bound to the
invitee's e-mail address, expires after 1..30 days and is used, declined or revoked at most once.
Bulk and CSV requests are parsed and planned here as pure functions; the application layer supplies
who is already a member or invited.
"""
