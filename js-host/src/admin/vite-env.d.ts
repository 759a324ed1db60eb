/// <reference types="vite/client" />

/** The backend URL the admin was built with (Medusa's admin bundler defines it; "" means same origin). */
declare const __BACKEND_URL__: string | undefined
