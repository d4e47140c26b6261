//! Seed 003 (+ 004), the LMS (m0003): courses, lessons, content, quizzes,
//! enrollments and progress.

use entity::{
    assessment_attempts, content_blocks, courses, enrollments, learning_progress, lessons,
    organizations, personalized_roadmaps, quizzes, student_progress, users,
};

use super::declare::{Declared, decl};

/// This domain's tables, in schema order.
pub fn declarations() -> Vec<Declared> {
    vec![
        decl::<courses::Entity>(
            "Course",
            "A learning course: ordered lessons, a final quiz and its enrollments. Anyone sees \
             published courses, also without a token (`X-Tenant`); students also the courses they \
             are enrolled in, instructors the courses they teach, admins all.",
        )
        .root("courses")
        .order([courses::Column::CreatedAt])
        .many(
            "lessons",
            lessons::Column::CourseId,
            "The course's lessons, in order.",
        )
        .many(
            "quizzes",
            quizzes::Column::CourseId,
            "Course-level quizzes (not attached to a lesson).",
        )
        .many(
            "enrollments",
            enrollments::Column::CourseId,
            "Students enrolled in the course.",
        )
        .many(
            "studentProgress",
            student_progress::Column::CourseId,
            "Progress records for this course.",
        )
        .one::<users::Entity>(
            "instructor",
            courses::Column::InstructorId,
            "The instructor who owns the course.",
        )
        .one::<organizations::Entity>(
            "organization",
            courses::Column::OrganizationId,
            "The organization the course is run for, if any.",
        )
        .one::<quizzes::Entity>(
            "finalAssessment",
            courses::Column::FinalAssessmentId,
            "The course's final quiz.",
        )
        .doc(courses::Column::Title, "Course title.")
        .doc(courses::Column::Description, "What the course covers.")
        .doc(
            courses::Column::InstructorId,
            "The instructor who owns the course (the UUID of a `User`).",
        )
        .doc(
            courses::Column::OrganizationId,
            "The organization the course is run for, if any (the UUID of an `Organization`).",
        )
        .doc(
            courses::Column::FinalAssessmentId,
            "The course's final quiz (the UUID of a `Quiz`).",
        )
        .doc(courses::Column::Tags, "Topic tags.")
        .doc(
            courses::Column::DifficultyLevel,
            "How advanced the course is.",
        )
        .doc(
            courses::Column::EstimatedDuration,
            "Estimated duration in minutes.",
        )
        .doc(
            courses::Column::IsPublished,
            "Whether learners can see the course.",
        )
        .doc(courses::Column::CreatedAt, "When the record was created.")
        .doc(
            courses::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<lessons::Entity>(
            "Lesson",
            "A learning unit of a course, ordered, with content blocks, an optional quiz and \
             prerequisite lessons. Visible to whoever can see its course.",
        )
        .root("lessons")
        .order([lessons::Column::OrderIndex])
        .many(
            "contentBlocks",
            content_blocks::Column::LessonId,
            "The lesson's content, in order.",
        )
        .many(
            "quizzes",
            quizzes::Column::LessonId,
            "Quizzes attached to this lesson.",
        )
        .many(
            "studentProgress",
            student_progress::Column::LessonId,
            "Progress records for this lesson.",
        )
        .one::<courses::Entity>(
            "course",
            lessons::Column::CourseId,
            "The course this lesson belongs to.",
        )
        .one::<quizzes::Entity>(
            "assessment",
            lessons::Column::AssessmentId,
            "The lesson's quiz, if any.",
        )
        .doc(
            lessons::Column::CourseId,
            "The course this lesson belongs to (the UUID of a `Course`).",
        )
        .doc(lessons::Column::Title, "Lesson title.")
        .doc(lessons::Column::Description, "What the lesson covers.")
        .doc(lessons::Column::OrderIndex, "Position in the course.")
        .doc(
            lessons::Column::LearningObjectives,
            "What the learner will be able to do.",
        )
        .doc(lessons::Column::Prerequisites, "Lessons to complete first.")
        .doc(
            lessons::Column::AssessmentId,
            "The lesson's quiz, if any (the UUID of a `Quiz`).",
        )
        .doc(
            lessons::Column::EstimatedDuration,
            "Estimated duration in minutes.",
        )
        .doc(
            lessons::Column::IsPublished,
            "Whether learners can see the lesson.",
        )
        .doc(lessons::Column::CreatedAt, "When the record was created.")
        .doc(
            lessons::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<content_blocks::Entity>(
            "ContentBlock",
            "One piece of lesson content: rich text, image, video, file or YouTube embed. Visible \
             to whoever can see its lesson.",
        )
        .root("contentBlocks")
        .order([content_blocks::Column::OrderIndex])
        .one::<lessons::Entity>(
            "lesson",
            content_blocks::Column::LessonId,
            "The lesson this block belongs to.",
        )
        .doc(
            content_blocks::Column::LessonId,
            "The lesson this block belongs to (the UUID of a `Lesson`).",
        )
        .doc(
            content_blocks::Column::Type,
            "The kind of block; it decides the shape of `content`.",
        )
        .doc(
            content_blocks::Column::Content,
            "The block's data (JSON object), shaped by its type: rich_text {html, plain_text}; \
             image {url, alt_text, caption?}; video {url, thumbnail_url?, duration?}; file {url, \
             filename, file_type, file_size}; youtube {video_id, title, thumbnail_url, duration}.",
        )
        .doc(
            content_blocks::Column::OrderIndex,
            "Position in the lesson.",
        )
        .doc(content_blocks::Column::Metadata, "Additional properties.")
        .doc(
            content_blocks::Column::CreatedAt,
            "When the record was created.",
        )
        .doc(
            content_blocks::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<quizzes::Entity>(
            "Quiz",
            "A quiz of a lesson or a course, possibly AI-generated, with a passing score and \
             attempt limits. Visible to whoever can see its course or lesson; each question's \
             correct_answer and explanation are removed except for admins and instructors.",
        )
        .root("quizzes")
        .order([quizzes::Column::CreatedAt])
        .one::<lessons::Entity>(
            "lesson",
            quizzes::Column::LessonId,
            "The lesson the quiz belongs to, if a lesson quiz.",
        )
        .one::<courses::Entity>(
            "course",
            quizzes::Column::CourseId,
            "The course the quiz belongs to, if a course quiz.",
        )
        .many(
            "quizAttempts",
            assessment_attempts::Column::AssessmentId,
            "Students' attempts at this quiz.",
        )
        .many(
            "studentProgress",
            student_progress::Column::AssessmentId,
            "Progress records for this quiz.",
        )
        .many(
            "lessonsUsingQuiz",
            lessons::Column::AssessmentId,
            "Lessons that use this quiz as their assessment.",
        )
        .many(
            "coursesUsingAsFinal",
            courses::Column::FinalAssessmentId,
            "Courses that use this quiz as their final assessment.",
        )
        .doc(
            quizzes::Column::LessonId,
            "The lesson the quiz belongs to (the UUID of a `Lesson`); exactly one of lessonId and \
             courseId is set.",
        )
        .doc(
            quizzes::Column::CourseId,
            "The course the quiz belongs to (the UUID of a `Course`); exactly one of lessonId and \
             courseId is set.",
        )
        .doc(quizzes::Column::Title, "Quiz title.")
        .doc(quizzes::Column::Description, "What the quiz checks.")
        .doc(quizzes::Column::Questions, "The questions, in order.")
        .doc(
            quizzes::Column::AiGenerated,
            "Whether the quiz was generated by AI.",
        )
        .doc(
            quizzes::Column::SourceContentIds,
            "The content the questions were generated from (UUIDs).",
        )
        .doc(
            quizzes::Column::IsMandatory,
            "Whether the quiz must be passed to progress.",
        )
        .doc(
            quizzes::Column::MinimumPassingScore,
            "Score needed to pass, 0–100 (default 70).",
        )
        .doc(
            quizzes::Column::MaxAttempts,
            "Attempts allowed; null for unlimited.",
        )
        .doc(
            quizzes::Column::TimeLimit,
            "Time limit in minutes; null for untimed.",
        )
        .doc(quizzes::Column::CreatedAt, "When the record was created.")
        .doc(
            quizzes::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<assessment_attempts::Entity>(
            "QuizAttempt",
            "A student's numbered attempt at a quiz, with answers, score and feedback. Students \
             see their own attempts, instructors the attempts at their courses' quizzes, admins \
             all.",
        )
        .root("quizAttempts")
        .order([assessment_attempts::Column::AttemptNumber])
        .one::<quizzes::Entity>(
            "assessment",
            assessment_attempts::Column::AssessmentId,
            "The quiz attempted.",
        )
        .one::<users::Entity>(
            "student",
            assessment_attempts::Column::StudentId,
            "The student who made the attempt.",
        )
        .doc(
            assessment_attempts::Column::AssessmentId,
            "The quiz attempted (the UUID of a `Quiz`).",
        )
        .doc(
            assessment_attempts::Column::StudentId,
            "The student who made the attempt (the UUID of a `User`).",
        )
        .doc(
            assessment_attempts::Column::AttemptNumber,
            "1 for the student's first attempt at this quiz, then 2, 3, …",
        )
        .doc(
            assessment_attempts::Column::Answers,
            "The student's answers, by question id (JSON object).",
        )
        .doc(
            assessment_attempts::Column::Score,
            "Score, 0–100; null until scored.",
        )
        .doc(
            assessment_attempts::Column::PointsEarned,
            "Points earned, from 0 to totalPoints.",
        )
        .doc(
            assessment_attempts::Column::TotalPoints,
            "Points available.",
        )
        .doc(
            assessment_attempts::Column::Passed,
            "Whether the score reached the quiz's passing score; null until scored.",
        )
        .doc(
            assessment_attempts::Column::TimeSpent,
            "Time taken, in seconds.",
        )
        .doc(
            assessment_attempts::Column::SubmittedAt,
            "When the attempt was submitted; null while in progress.",
        )
        .doc(
            assessment_attempts::Column::Feedback,
            "Scoring feedback (JSON), e.g. a summary and per-question results.",
        )
        .doc(
            assessment_attempts::Column::StartedAt,
            "When the attempt started.",
        )
        .into(),
        decl::<enrollments::Entity>(
            "Enrollment",
            "A student's enrollment in a course, with its progress. Students see their own, \
             instructors the enrollments in their courses, admins all.",
        )
        .root("enrollments")
        .order([enrollments::Column::EnrolledAt])
        .one::<users::Entity>(
            "student",
            enrollments::Column::StudentId,
            "The enrolled student.",
        )
        .one::<courses::Entity>("course", enrollments::Column::CourseId, "The course.")
        .doc(
            enrollments::Column::StudentId,
            "The enrolled student (the UUID of a `User`).",
        )
        .doc(
            enrollments::Column::CourseId,
            "The course (the UUID of a `Course`).",
        )
        .doc(
            enrollments::Column::CompletedAt,
            "When the course was completed; null until then.",
        )
        .doc(
            enrollments::Column::Progress,
            "Progress details (JSON object), e.g. completed lessons and the current lesson.",
        )
        .doc(
            enrollments::Column::ProgressPercent,
            "Overall progress, 0–100.",
        )
        .doc(
            enrollments::Column::EnrolledAt,
            "When the student enrolled.",
        )
        .into(),
        decl::<student_progress::Entity>(
            "StudentProgress",
            "A student's progress on a course, lesson or quiz: status, completion, time and \
             scores. Students see their own, instructors the progress in their courses, admins \
             all.",
        )
        .root("studentProgress")
        .order([student_progress::Column::CreatedAt])
        .one::<users::Entity>(
            "student",
            student_progress::Column::StudentId,
            "The student.",
        )
        .one::<courses::Entity>(
            "course",
            student_progress::Column::CourseId,
            "The course tracked, if any.",
        )
        .one::<lessons::Entity>(
            "lesson",
            student_progress::Column::LessonId,
            "The lesson tracked, if any.",
        )
        .one::<quizzes::Entity>(
            "assessment",
            student_progress::Column::AssessmentId,
            "The quiz tracked, if any.",
        )
        .doc(
            student_progress::Column::StudentId,
            "The student (the UUID of a `User`).",
        )
        .doc(
            student_progress::Column::CourseId,
            "The course tracked, if any (the UUID of a `Course`).",
        )
        .doc(
            student_progress::Column::LessonId,
            "The lesson tracked, if any (the UUID of a `Lesson`).",
        )
        .doc(
            student_progress::Column::AssessmentId,
            "The quiz tracked, if any (the UUID of a `Quiz`).",
        )
        .doc(
            student_progress::Column::Status,
            "Where the student stands with the lesson.",
        )
        .doc(
            student_progress::Column::CompletionPercentage,
            "Completion, 0–100.",
        )
        .doc(
            student_progress::Column::LastAccessed,
            "When the student last opened it.",
        )
        .doc(
            student_progress::Column::TimeSpent,
            "Total time spent, in seconds.",
        )
        .doc(
            student_progress::Column::AttemptsCount,
            "Number of quiz attempts.",
        )
        .doc(
            student_progress::Column::BestScore,
            "Best quiz score, 0–100.",
        )
        .doc(
            student_progress::Column::CreatedAt,
            "When the record was created.",
        )
        .doc(
            student_progress::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<personalized_roadmaps::Entity>(
            "PersonalizedRoadmap",
            "An AI-generated learning path for a student, with the AI's reasoning (see \
             `generateRoadmap`). Students see their own, instructors those of the learners \
             enrolled in their courses, admins all.",
        )
        .root("personalizedRoadmaps")
        .order([personalized_roadmaps::Column::GeneratedAt])
        .one::<users::Entity>(
            "student",
            personalized_roadmaps::Column::StudentId,
            "The student the roadmap is for.",
        )
        .doc(
            personalized_roadmaps::Column::StudentId,
            "The student the roadmap is for (the UUID of a `User`).",
        )
        .doc(
            personalized_roadmaps::Column::RoadmapData,
            "The learning path (JSON): goal, focus competencies and ordered steps (courses, \
             lessons, learning paths) with status and reason.",
        )
        .doc(
            personalized_roadmaps::Column::AiReasoning,
            "Why the AI chose this path.",
        )
        .doc(
            personalized_roadmaps::Column::Status,
            "Whether the roadmap is being followed.",
        )
        .doc(
            personalized_roadmaps::Column::GeneratedAt,
            "When the roadmap was generated.",
        )
        .doc(
            personalized_roadmaps::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
        decl::<learning_progress::Entity>(
            "LearningProgress",
            "Detailed progress of a student on one piece of content, for learning analytics. \
             Students see their own, instructors those of the learners enrolled in their courses, \
             admins all.",
        )
        .root("learningProgress")
        .order([learning_progress::Column::CreatedAt])
        .one::<users::Entity>(
            "student",
            learning_progress::Column::StudentId,
            "The student.",
        )
        .doc(
            learning_progress::Column::StudentId,
            "The student (the UUID of a `User`).",
        )
        .doc(
            learning_progress::Column::ContentId,
            "The content tracked; what it references depends on contentType (no foreign key).",
        )
        .doc(
            learning_progress::Column::ContentType,
            "Kind of content tracked, e.g. lesson (free text).",
        )
        .doc(
            learning_progress::Column::ProgressData,
            "Detailed progress (JSON), e.g. percent and sections viewed.",
        )
        .doc(
            learning_progress::Column::CompletedAt,
            "When the content was completed; null until then.",
        )
        .doc(
            learning_progress::Column::TimeSpent,
            "Time spent, in seconds.",
        )
        .doc(
            learning_progress::Column::CreatedAt,
            "When the record was created.",
        )
        .doc(
            learning_progress::Column::UpdatedAt,
            "When the record was last changed.",
        )
        .into(),
    ]
}
