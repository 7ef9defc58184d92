import type { Route } from "./+types/home";

export async function loader({ context }: Route.LoaderArgs) {
  const res = await context.api.me.$get();
  if (res.status !== 200) return { me: null };
  return { me: await res.json() };
}

export default function Home({ loaderData }: Route.ComponentProps) {
  return (
    <main>
      <h1>Lectern</h1>
      <p>{loaderData.me ? `Signed in as ${loaderData.me.user.email}` : "Not signed in"}</p>
    </main>
  );
}
