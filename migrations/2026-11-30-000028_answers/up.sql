-- Answered questions: the reply a post's author (or a moderator of the
-- group it is in) chose as the answer. One per question.
CREATE TABLE accepted_answers (
    question_id BIGINT PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
    answer_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    chosen_by BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The ChooseAnswer activity that made the choice.
    ap_id TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
