"""Amazon SNS: the queue between the email API and the sender Lambda."""
