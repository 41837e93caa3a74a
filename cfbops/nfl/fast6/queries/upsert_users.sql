-- The file's new and changed users, matched on their name key (users_name_key). The
-- values are final: the import has already kept what the database knows where the file
-- is silent.
INSERT INTO nfl.users AS u (name, email, is_admin, group_id, base_bet, created_at)
SELECT f.name, f.email, f.is_admin, f.group_id, f.base_bet, coalesce(f.created_at, now())
  FROM unnest(%(name)s::text[], %(email)s::text[], %(is_admin)s::boolean[],
              %(group_id)s::integer[], %(base_bet)s::numeric[], %(created_at)s::timestamptz[])
       WITH ORDINALITY AS f (name, email, is_admin, group_id, base_bet, created_at, ord)
 ORDER BY f.ord
ON CONFLICT (nfl.normalize_user_name(name)) DO UPDATE
   SET email = excluded.email, is_admin = excluded.is_admin, group_id = excluded.group_id,
       base_bet = excluded.base_bet, created_at = excluded.created_at
 WHERE (u.email, u.is_admin, u.group_id, u.base_bet, u.created_at)
       IS DISTINCT FROM (excluded.email, excluded.is_admin, excluded.group_id,
                         excluded.base_bet, excluded.created_at)
