"""Crisis detection and the crisis referral message (see detector.py, referral.py)."""

from bot.safety.detector import KINDS, SafetySignal, detect, detect_all, has_risk_word

__all__ = ["KINDS", "SafetySignal", "detect", "detect_all", "has_risk_word"]
