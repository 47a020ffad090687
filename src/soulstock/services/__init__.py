"""Use cases. Each public function does one thing in one transaction (``ctx.uow.write()``)."""
