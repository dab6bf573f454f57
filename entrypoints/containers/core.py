"""What every context shares and that needs no I/O: the settings, the clock, secrets."""

from __future__ import annotations

from dependency_injector import containers, providers

from adapters.crypto.aes_gcm_sealer import AesGcmCodeSealer
from application.ports.clock import SystemClock
from domain.free_credits.otp import OtpHasher
from entrypoints.config import Settings


def _otp_hasher(settings: Settings) -> OtpHasher:
    return OtpHasher(settings.resolved_otp_pepper())


def _code_sealer(settings: Settings) -> AesGcmCodeSealer:
    return AesGcmCodeSealer.from_text(settings.resolved_invite_seal_key())


class Core(containers.DeclarativeContainer):
    config = providers.Dependency(instance_of=Settings)
    clock = providers.Singleton(SystemClock)
    otp_hasher = providers.Singleton(_otp_hasher, config)
    code_sealer = providers.Singleton(_code_sealer, config)
