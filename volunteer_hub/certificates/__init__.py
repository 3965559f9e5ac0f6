"""Certificates of service (志愿服务证明) for a period, issued in the name of the recording organisations,
verifiable by anyone through a QR code and a short code."""
