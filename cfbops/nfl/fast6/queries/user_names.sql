-- The file's user names, each with its matching key (users_name_key) and the user
-- nfl.users holds under that key, if any.
SELECT f.name, nfl.normalize_user_name(f.name) AS name_key,
       u.id, u.email, u.is_admin, u.group_id, u.base_bet, u.created_at
  FROM unnest(%(names)s::text[]) AS f (name)
  LEFT JOIN nfl.users AS u ON nfl.normalize_user_name(u.name) = nfl.normalize_user_name(f.name)
 ORDER BY u.id
