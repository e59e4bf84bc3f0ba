"""Digests: the daily reminder e-mails (每日提醒) to brokers, branch heads and executives."""
