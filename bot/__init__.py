"""SRE Coalition Coach: a Slack bot that coaches a grassroots SRE coalition."""
