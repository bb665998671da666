"""Benchmarks (`make bench`): speed, memory, training time and understanding beside a Rasa baseline."""
