"""Community: stars, reports and their moderation, feedback, the newsletter, platform invites."""
