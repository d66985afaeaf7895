"""The desktop GUI: thin PySide6 views over the Qt-free core (the only Qt code in the app).

Shape: one widget or dialog per module. Views collect what the user chose, build a job
spec with the core's pure functions (``jobs.build_tag_job`` ...), hand it to the
``JobManager`` and then only react to signals. No business rule lives here.

Threading rules (the whole of them):

1. Widgets are created, read and changed in the GUI thread only. Never touch a widget,
   a model or a QPixmap from any other thread.
2. Background work (reading a library, proposals for the review table, estimates, a
   "Test connection") runs on the task pool: a window's through
   :class:`operations.Operations` (``ops.run(name, work, on_success, on_failure)``; a
   newer request under the same name supersedes the older one), anything else through
   :func:`tasks.run_task`. A task gets plain Python values, returns a plain Python value,
   and its result comes back to the GUI thread through a queued signal; the task itself
   never sees a widget. Long work calls ``ticket.checkpoint()`` between slices.
3. Jobs run in worker processes owned by the ``JobManager``. Their progress reaches the
   GUI through exactly one bridge, :class:`bridge.JobBridge`: a QTimer in the GUI thread
   reads ``processing_log`` every ~200 ms and emits coalesced, past-tense signals
   (``job_progressed``, ``job_finished``, ``jobs_changed``). Widgets connect to those
   signals; they never poll the database, sleep, or wait on a job.
4. Anything modal (message boxes, file choosers, "quit while jobs run?") goes through a
   small module-level function in :mod:`dialogs` or :mod:`system` so tests can replace it.
5. Signals are named as past-tense events: ``library_dropped``, ``job_progressed``,
   ``job_finished``, ``start_requested``.
6. Quitting follows one order (:mod:`quitting`): window timers and the bridge stop, the
   window's operations are cancelled and waited for, the job manager is joined, and after
   ``exec()`` returns every task is stopped and the window deleted, before Python
   finalises. No pool thread may still run Python after that.
"""
