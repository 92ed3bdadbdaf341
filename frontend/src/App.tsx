import { Suspense, lazy, useEffect, useRef } from "react";
import { ActivityPanel, Toasts } from "./components/Activity";
import { ConnectPanel } from "./components/ConnectPanel";
import { DevTimePanel } from "./components/DevTimePanel";
import { HeaderBalances } from "./components/HeaderBalances";
import { currentRoute, useRoute } from "./components/router";
import { startTelegram } from "./lib/telegram";
import LandingPage from "./pages/LandingPage";

// The landing page ships with the app's first scripts (no second round trip before it can render);
// every other page is loaded when first visited.
const PAGES = {
  submit: () => import("./pages/SubmitPage"),
  submissions: () => import("./pages/SubmissionsPage"),
  rewards: () => import("./pages/RewardsPage"),
  staking: () => import("./pages/StakingPage"),
  governance: () => import("./pages/GovernancePage"),
  proposal: () => import("./pages/ProposalPage"),
  network: () => import("./pages/NetworkPage"),
  explore: () => import("./pages/ExplorePage"),
  challenges: () => import("./pages/ChallengesPage"),
};

/** Starts loading the first page's code at once, in parallel with the runtime configuration. */
export function preloadPage(hash: string): void {
  const [section = "home", id] = currentRoute(hash);
  const key = section === "governance" && id ? "proposal" : section;
  if (key === "home") return;
  if (key in PAGES) void PAGES[key as keyof typeof PAGES]().catch(() => undefined);
}

const SubmitPage = lazy(PAGES.submit);
const SubmissionsPage = lazy(PAGES.submissions);
const RewardsPage = lazy(PAGES.rewards);
const StakingPage = lazy(PAGES.staking);
const GovernancePage = lazy(PAGES.governance);
const ProposalPage = lazy(PAGES.proposal);
const NetworkPage = lazy(PAGES.network);
const ExplorePage = lazy(PAGES.explore);
const ChallengesPage = lazy(PAGES.challenges);

export const NAV = [
  ["submit", "Submit"],
  ["submissions", "My submissions"],
  ["rewards", "Rewards"],
  ["staking", "Staking"],
  ["governance", "Governance"],
  ["network", "Network"],
  ["explore", "Explore"],
  ["challenges", "Challenges"],
] as const;

function Page({ route }: { route: string[] }) {
  const [section = "home", id] = route;
  switch (section) {
    case "home":
      return <LandingPage />;
    case "submissions":
      return <SubmissionsPage />;
    case "rewards":
      return <RewardsPage />;
    case "staking":
      return <StakingPage />;
    case "governance":
      return id ? <ProposalPage id={id} /> : <GovernancePage />;
    case "network":
      return <NetworkPage />;
    case "explore":
      return <ExplorePage id={id} />;
    case "submit":
      return <SubmitPage />;
    case "challenges":
      return <ChallengesPage />;
    default:
      return (
        <p className="notice" role="alert">
          No page here. <a href="#/submit">Go to Submit</a>.
        </p>
      );
  }
}

export function App() {
  const route = useRoute();
  const section = route[0] ?? "home";
  const main = useRef<HTMLElement>(null);
  const telegram = useRef<ReturnType<typeof startTelegram>>(null);

  useEffect(() => {
    telegram.current = startTelegram(window, () => window.history.back());
    return () => telegram.current?.dispose();
  }, []);
  useEffect(() => {
    telegram.current?.setBackButton(route.length > 0 && section !== "home");
    // A new page starts at the top; focus moves to it for screen readers without scrolling <main> under the sticky bar.
    main.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [route.join("/")]);

  return (
    <>
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header>
        <div className="bar">
          <a className="brand" href="#/">
            <img src="./icon.svg" alt="" width="28" height="28" /> CashKey
          </a>
          <ConnectPanel />
          <ActivityPanel />
        </div>
      </header>
      {/* Outside the header so it can stick to the top on its own: compact, always in reach on a phone. */}
      <div className="sticky">
        <nav aria-label="Main">
          {NAV.map(([path, label]) => (
            <a key={path} href={`#/${path}`} aria-current={section === path ? "page" : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <HeaderBalances />
      </div>
      <main id="main" ref={main} tabIndex={-1}>
        <Suspense fallback={<p role="status">Loading…</p>}>
          <Page route={route} />
        </Suspense>
        <DevTimePanel />
      </main>
      <Toasts />
    </>
  );
}
