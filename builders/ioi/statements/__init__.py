"""Statements of IOI tasks as clean Markdown: PDF extraction, Unicode clean-up and the subtask table.

Official statements come as Markdown (IOI 2024 `translations/en.md`) or as PDFs
(IOI 2025 `statement.pdf`, IOI 2026 `en.pdf`, older years). Everything after this
package reads Markdown, whatever the source was.
"""
