"""The transparency log: pure RFC 9162 Merkle trees, C2SP signed notes, checkpoints, tiles,
tlog-proofs, canonical entries and edition certificates. No I/O, no database, no framework."""
