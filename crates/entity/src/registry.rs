//! The one list of all entities, in foreign-key order (parents first), for
//! code that must treat every table alike: the demo-data loader, the GraphQL
//! schema builder, and the tests that prove every tenant table is scoped.

/// Calls `$callback! { module, module, … }` with every entity module, parents
/// before children.
#[macro_export]
macro_rules! for_each_entity {
    ($callback:ident) => {
        $callback! {
            tenants, users, organizations, user_roles,
            framework_assessments, assessment_questions, user_attempts, user_responses,
            skill_tags, tag_insights, tag_actions, competency_display_names,
            competency_leverage_strengths, learning_path_categories, learning_resources,
            courses, lessons, content_blocks, quizzes, assessment_attempts, enrollments,
            student_progress, personalized_roadmaps, learning_progress,
            adaptability_assessments, assessment_answers, workshops, payments, certificates,
            workshop_registrations, talent_profiles, talent_testimonials, engagements,
            engagement_sessions, reviews, review_votes,
            coaches, clients, coaching_models, coach_model_associations, data_items, data_chunks,
            skills, user_skills, learner_velocity_analytics, user_points, point_transactions,
            achievements, user_achievements, daily_activity, predictive_analytics_cache,
            user_preferences
        }
    };
}

macro_rules! table_names {
    ($($m:ident),* $(,)?) => {
        /// Every table, parents first.
        pub const TABLES: &[&str] = &[$(stringify!($m)),*];
    };
}
for_each_entity!(table_names);
