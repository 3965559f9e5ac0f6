"""What the scheduler process enqueues, and how often: each job declares its own period where it lives."""

from volunteer_hub.schedule import RECURRING


def test_the_scheduler_enqueues_every_recurring_job_at_its_period(app):
    assert sorted(RECURRING) == sorted(
        [
            ("volunteer_hub.outbox.jobs.dispatch_outbox", 5),
            ("volunteer_hub.claims.jobs.send_reminders", 60),
            ("volunteer_hub.claims.jobs.ask_attendance", 600),
            ("volunteer_hub.claims.jobs.release_unconfirmed", 300),
            ("volunteer_hub.tasks.jobs.alert_underfilled", 600),
            ("volunteer_hub.tasks.jobs.close_expired_tasks", 3600),
            ("volunteer_hub.matching.jobs.send_digests", 600),
            ("volunteer_hub.hours.jobs.remind_unconfirmed_hours", 3600),
            ("volunteer_hub.attendance.jobs.mark_no_shows", 300),
            ("volunteer_hub.stats.jobs.tally_new_entries", 60),
            ("volunteer_hub.stats.jobs.refresh_shift_tallies", 300),
            ("volunteer_hub.stats.jobs.refresh_all_shift_tallies", 86_400),
            ("volunteer_hub.lottery.jobs.draw_due_lotteries", 60),
            ("volunteer_hub.help.jobs.close_finished_requests", 3600),
            ("volunteer_hub.orgs.jobs.purge_expired_invitations", 86_400),
            ("volunteer_hub.notifications.jobs.release_due_deliveries", 30),
            ("volunteer_hub.notifications.jobs.poll_sms_receipts", 60),
            ("volunteer_hub.callouts.jobs.send_due_waves", 30),
            ("volunteer_hub.posts.jobs.raise_relief_alarms", 60),
        ]
    )
