/**
 * Stands in for `@reown/appkit/core` in the build (vite.config.mts): WalletConnect's provider imports
 * that QR modal only with `showQrModal: true`, and CashKey shows the pairing link itself (walletConnect.ts),
 * so about 400 KB (gzip) of modal code stays out of the build.
 */
export function createAppKit(): never {
  throw new Error("CashKey shows WalletConnect's pairing link itself: showQrModal must stay false.");
}
