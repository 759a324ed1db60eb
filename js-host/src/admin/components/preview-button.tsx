import { Eye } from "@medusajs/icons"
import { Button, toast } from "@medusajs/ui"
import { useNavigate } from "react-router-dom"
import { describeError, httpStatusOf, usePreviewSync } from "../lib/api"

/**
 * "Preview changes": starts a preview run (it fetches and plans, and writes nothing) and opens its page, where the
 * change list appears once it ends. Disabled while a sync runs; a 409 says so.
 */
export const PreviewButton = ({ running }: { running: boolean }) => {
  const preview = usePreviewSync()
  const navigate = useNavigate()
  return (
    <Button
      size="small"
      variant="secondary"
      disabled={running || preview.isPending}
      isLoading={preview.isPending}
      onClick={async () => {
        try {
          const { run_id } = await preview.mutateAsync()
          toast.success("Preview started", { description: "Nothing is written; the changes appear when it ends." })
          navigate(`/catalog-sync/runs/${run_id}`)
        } catch (error) {
          toast.error(httpStatusOf(error) === 409 ? "A sync is already running" : "Could not start the preview", {
            description: describeError(error),
          })
        }
      }}
      data-testid="preview-changes"
    >
      <Eye />
      Preview changes
    </Button>
  )
}
