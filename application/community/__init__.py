"""Use cases of the community context (stars, reports, feedback, newsletter, platform invites)."""
