import { Button, Modal, ModalVariant } from "@patternfly/react-core";
import { useTranslation } from "react-i18next";

type ConfirmDialogProps = {
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
};

/** Asks before anything is signed out; Escape or Cancel changes nothing. */
export const ConfirmDialog = ({ title, body, confirmLabel, onConfirm, onCancel }: ConfirmDialogProps) => {
  const { t } = useTranslation();
  return (
    <Modal
      variant={ModalVariant.small}
      className="session-manager-dialog"
      title={title}
      titleIconVariant="warning"
      isOpen
      onClose={onCancel}
      actions={[
        <Button key="confirm" variant="danger" onClick={onConfirm} data-testid="confirm">
          {confirmLabel}
        </Button>,
        <Button key="cancel" variant="link" onClick={onCancel}>
          {t("sessionManager.cancel")}
        </Button>,
      ]}
    >
      {body}
    </Modal>
  );
};
