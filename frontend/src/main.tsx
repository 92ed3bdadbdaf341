import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { WagmiProvider } from "wagmi";
import { App, preloadPage } from "./App";
import { RefreshOnNewBlock } from "./components/RefreshOnNewBlock";
import { UpdatePrompt } from "./pwa/UpdatePrompt";
import { RuntimeConfigContext } from "./config/context";
import { loadRuntimeConfig } from "./config/runtimeConfig";
import "./styles.css";
import { createWagmiConfig, optionalConnectors } from "./wagmi";

const container = document.getElementById("root")!;

async function boot() {
  preloadPage(window.location.hash);
  const runtime = await loadRuntimeConfig();
  const wagmiConfig = createWagmiConfig(runtime, undefined, await optionalConnectors(runtime));
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });
  createRoot(container).render(
    <StrictMode>
      <RuntimeConfigContext.Provider value={runtime}>
        <WagmiProvider config={wagmiConfig}>
          <QueryClientProvider client={queryClient}>
            <RefreshOnNewBlock />
            <UpdatePrompt />
            <App />
          </QueryClientProvider>
        </WagmiProvider>
      </RuntimeConfigContext.Provider>
    </StrictMode>,
  );
}

boot().catch((error: unknown) => {
  container.innerHTML = "";
  const message = document.createElement("p");
  message.className = "notice warn";
  message.setAttribute("role", "alert");
  message.textContent = `CashKey could not start: ${error instanceof Error ? error.message : String(error)}`;
  container.append(message);
});

// The offline shell and the update prompt (src/sw.ts); the dev server has no service worker.
if ("serviceWorker" in navigator && import.meta.env.PROD) {
  void import("./pwa/register").then(({ registerServiceWorker }) => registerServiceWorker());
}
